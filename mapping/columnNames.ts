import { describe, guard, IssueList, OrderValidationError } from './errors';
import type { FlatColumns } from './flat';

/**
 * Header names recognised by column detection (`detectFlatColumns`), per order-model field. Taken from
 * the export formats of real shop/ERP/POS systems (Shopify order CSV, Square item sales, Lightspeed
 * sales, Odoo sale/POS order export, SAP Business One document tables, Sage invoices, Shopware, JTL-Wawi)
 * and the usual till/ERP words in EN, DE, FR, ES, IT, NL, PL. mapping/README.md has the same table.
 *
 * Names are compared after `normalizeHeader` (lower case, accents removed, everything but letters and
 * digits dropped), so "E-Mail", "e_mail" and "EMAIL" are one name. A name belongs to one field only
 * (a test checks this): words that mean different things in different exports ("Name", "Betrag",
 * "Amount") are deliberately left out; type them in Column Names.
 */
export const COLUMN_NAMES: Readonly<Record<keyof FlatColumns, readonly string[]>> = Object.freeze({
	orderId: [
		'order_id', 'order id', 'order number', 'order no', 'order reference', 'receipt number', 'receipt no', 'receipt id',
		'transaction id', 'invoice number', 'invoice no', 'docnum', 'orderNumber', 'ticket number',
		'Belegnr', 'Belegnummer', 'Beleg-Nr', 'Bonnummer', 'Bon-Nr', 'Bestellnummer', 'Auftragsnummer', 'Rechnungsnummer',
		'numero de commande', 'n° commande', 'n° pièce', 'numero de ticket', 'n° ticket', 'référence commande',
		'número de pedido', 'nº pedido', 'número de ticket', 'número de factura', 'nº ticket',
		'numero ordine', 'n. ordine', 'numero scontrino', 'numero documento',
		'ordernummer', 'bonnummer', 'bestelnummer', 'factuurnummer', 'kassabon',
		'numer zamówienia', 'nr zamówienia', 'numer paragonu', 'nr paragonu', 'numer dokumentu', 'nr dokumentu',
	],
	orderDate: [
		'order_date', 'order date', 'date', 'created at', 'created', 'order date time', 'orderDateTime', 'docdate', 'date/time', 'datetime',
		'Datum', 'Belegdatum', 'Bestelldatum', 'Auftragsdatum', 'Rechnungsdatum', 'Datum/Uhrzeit',
		'date de commande', 'date commande', 'date pièce',
		'fecha', 'fecha de pedido', 'fecha pedido', 'fecha y hora',
		'data', 'data ordine', 'data documento',
		'besteldatum', 'orderdatum', 'datum/tijd',
		'data zamówienia', 'data sprzedaży', 'data dokumentu',
	],
	status: [
		'status', 'order status', 'financial status', 'state', 'Bestellstatus', 'Auftragsstatus', 'statut', 'estado', 'stato', 'staat', 'stan',
	],
	customerId: [
		'customer_id', 'customer id', 'customer number', 'customer code', 'customer reference id', 'cardcode', 'account reference',
		'Kundennummer', 'Kunden-Nr', 'Kundennr', 'code client', 'n° client', 'numéro client', 'número de cliente', 'id cliente',
		'codice cliente', 'klantnummer', 'klant-id', 'numer klienta', 'id klienta', 'kod klienta',
	],
	email: [
		'email', 'e-mail', 'e_mail', 'email address', 'customer email', 'E-Mail-Adresse', 'adresse e-mail', 'courriel',
		'correo electrónico', 'correo', 'indirizzo email', 'e-mailadres', 'adres e-mail',
	],
	phone: [
		'phone', 'telephone', 'phone number', 'Telefon', 'Telefonnummer', 'téléphone', 'teléfono', 'telefono', 'telefoon', 'telefoonnummer',
		'numer telefonu',
	],
	firstName: ['first_name', 'first name', 'firstname', 'Vorname', 'prénom', 'nombre', 'voornaam', 'imię'],
	lastName: ['last_name', 'last name', 'lastname', 'surname', 'Nachname', 'nom de famille', 'apellido', 'apellidos', 'cognome', 'achternaam', 'nazwisko'],
	currency: ['currency', 'doccur', 'currency code', 'Währung', 'devise', 'moneda', 'divisa', 'valuta', 'waluta'],
	shipping: [
		'shipping', 'shipping cost', 'shipping costs', 'shipping total', 'shippingTotal', 'Versandkosten', 'Versand', 'frais de port',
		'frais de livraison', 'gastos de envío', 'envío', 'spese di spedizione', 'spedizione', 'verzendkosten', 'koszt wysyłki', 'wysyłka',
	],
	tax: [
		'tax', 'taxes', 'sales tax', 'tax amount', 'vat', 'vatsum', 'MwSt', 'MwSt-Betrag', 'Steuer', 'USt', 'TVA', 'montant TVA',
		'IVA', 'importe IVA', 'impuestos', 'imposta', 'BTW', 'btw-bedrag', 'podatek', 'kwota VAT',
	],
	discount: [
		'discount', 'order discount', 'discount amount', 'Belegrabatt', 'Gesamtrabatt', 'remise globale', 'descuento total', 'sconto totale',
		'orderkorting', 'rabat na zamówienie',
	],
	subtotal: [
		'subtotal', 'order subtotal', 'amount net', 'amountNet', 'Zwischensumme', 'sous-total', 'subtotale', 'subtotaal', 'suma częściowa',
		'untaxed amount', 'montant HT', 'importe neto', 'imponibile', 'netto',
	],
	total: [
		'total', 'order total', 'grand total', 'amount total', 'amountTotal', 'doctotal', 'gross amount', 'Gesamtbetrag', 'Gesamtsumme',
		'Bonsumme', 'Belegsumme', 'Endbetrag', 'total TTC', 'montant TTC', 'montant total', 'importe total', 'totale', 'importo totale',
		'totaal', 'totaalbedrag', 'suma', 'wartość brutto', 'do zapłaty',
	],
	couponCode: ['coupon_code', 'coupon code', 'discount code', 'voucher code', 'Gutscheincode', 'code promo', 'código de cupón', 'codice sconto', 'kortingscode', 'kod rabatowy'],
	couponValue: ['coupon_value', 'coupon value', 'voucher value', 'Gutscheinwert'],
	paymentMethod: [
		'payment_method', 'payment method', 'payment type', 'tender', 'Zahlungsart', 'Zahlart', 'mode de paiement', 'moyen de paiement',
		'forma de pago', 'método de pago', 'metodo di pagamento', 'metodo pagamento', 'betaalmethode', 'betaalwijze', 'forma płatności', 'metoda płatności',
	],
	storeId: [
		'store_id', 'store id', 'store', 'shop', 'location', 'outlet', 'register', 'Filiale', 'Filialnummer', 'Kasse', 'magasin', 'boutique',
		'tienda', 'negozio', 'punto vendita', 'winkel', 'filiaal', 'sklep', 'kasa',
	],
	regionId: ['region_id', 'region id'],
	channel: ['channel', 'sales channel', 'Vertriebskanal', 'Verkaufskanal', 'canal de vente', 'canal de venta', 'canale di vendita', 'verkoopkanaal', 'kanał sprzedaży'],
	productId: [
		'product_id', 'product id', 'item id', 'item code', 'itemcode', 'product code', 'product number', 'article number', 'productNumber',
		'Artikelnummer', 'Artikelnr', 'Artikel-Nr', 'Art.-Nr', 'Artikel-ID', 'référence article', 'réf. article', 'code article',
		'référence', 'código de artículo', 'código', 'referencia', 'codice articolo', 'codice prodotto', 'articolo', 'artikelcode', 'productcode',
		'kod produktu', 'kod towaru', 'indeks', 'symbol',
	],
	sku: ['sku', 'lineitem sku', 'variant sku', 'EAN', 'GTIN', 'barcode', 'Barcode', 'code-barres', 'código de barras', 'codice a barre', 'streepjescode', 'kod kreskowy'],
	productName: [
		'product_name', 'product name', 'item name', 'item', 'product', 'lineitem name', 'description', 'dscription', 'Artikelbezeichnung',
		'Artikelname', 'Bezeichnung', 'Artikel', 'Produkt', 'désignation', 'libellé', 'produit', 'article', 'descripción', 'artículo',
		'producto', 'descrizione', 'prodotto', 'omschrijving', 'artikelomschrijving', 'productnaam', 'nazwa', 'nazwa produktu', 'nazwa towaru',
		'towar', 'order lines/product',
	],
	category: ['category', 'product category', 'product type', 'Warengruppe', 'Kategorie', 'catégorie', 'famille', 'categoría', 'categoria', 'categorie', 'productgroep', 'kategoria', 'grupa towarowa'],
	quantity: [
		'quantity', 'qty', 'lineitem quantity', 'count', 'Menge', 'Anzahl', 'quantité', 'qté', 'cantidad', 'cant.', 'quantità', 'qtà', 'aantal',
		'ilość', 'order lines/quantity',
	],
	unitPrice: [
		'unit_price', 'unit price', 'price', 'item price', 'lineitem price', 'price each', 'Einzelpreis', 'Preis', 'VK-Preis', 'Stückpreis',
		'prix unitaire', 'prix', 'PU', 'precio unitario', 'precio', 'prezzo unitario', 'prezzo', 'stukprijs', 'prijs', 'eenheidsprijs',
		'cena jednostkowa', 'cena', 'order lines/unit price',
	],
	lineDiscount: [
		'line_discount', 'line discount', 'lineitem discount', 'discounts', 'item discount', 'Rabatt', 'Positionsrabatt', 'Nachlass', 'remise',
		'descuento', 'dto.', 'sconto', 'korting', 'rabat', 'upust', 'discprcnt', 'order lines/discount (%)', 'Rabatt %',
	],
	lineSubtotal: [
		'line_subtotal', 'line subtotal', 'line total', 'linetotal', 'net sales', 'line amount', 'Positionssumme', 'Zeilensumme', 'Positionsbetrag',
		'Summe', 'montant ligne', 'total ligne', 'importe', 'importe línea', 'importo', 'importo riga', 'regeltotaal', 'bedrag', 'wartość',
		'order lines/subtotal',
	],
	productUrl: ['product_url', 'product url', 'url'],
	imageUrl: ['image_url', 'image url', 'image'],
	emailHash: ['email_hash', 'email hash'],
	ccHash: ['cc_hash'],
	language: ['language', 'locale', 'Sprache', 'langue', 'idioma', 'lingua', 'taal', 'język'],
	segmentIds: ['segment_ids'],
	segmentNames: ['segment_names', 'customer group', 'Kundengruppe', 'groupe client', 'grupo de clientes', 'gruppo clienti', 'klantgroep', 'grupa klientów'],
	billingStreet1: ['billing_street1', 'billing street', 'billing address1', 'billing address 1', 'Rechnungsstraße'],
	billingStreet2: ['billing_street2', 'billing address2', 'billing address 2'],
	billingCity: ['billing_city', 'billing city', 'Rechnungsort'],
	billingRegion: ['billing_region', 'billing province', 'billing state'],
	billingPostalCode: ['billing_postal_code', 'billing zip', 'billing postcode', 'Rechnungs-PLZ'],
	billingCountry: ['billing_country', 'billing country', 'Rechnungsland'],
	shippingStreet1: ['shipping_street1', 'shipping street', 'shipping address1', 'shipping address 1', 'Lieferstraße'],
	shippingStreet2: ['shipping_street2', 'shipping address2', 'shipping address 2'],
	shippingCity: ['shipping_city', 'shipping city', 'Lieferort'],
	shippingRegion: ['shipping_region', 'shipping province', 'shipping state'],
	shippingPostalCode: ['shipping_postal_code', 'shipping zip', 'shipping postcode', 'Liefer-PLZ'],
	shippingCountry: ['shipping_country', 'shipping country', 'Lieferland'],
	productDescription: ['product_description', 'long description', 'Langtext', 'Beschreibung'],
});

/** Lower case, accents off (ł → l, ß → ss), only letters and digits: "Bon-Nr." → "bonnr". */
export function normalizeHeader(header: string): string {
	if (typeof header !== 'string') return '';
	return header
		.slice(0, 200)
		.toLowerCase()
		.replace(/ß/g, 'ss')
		.replace(/ł/g, 'l')
		.normalize('NFD')
		.replace(/[^a-z0-9]/g, '');
}

type Key = keyof FlatColumns;

/** normalized name → field; built once. A name listed under two fields throws at load (caught by tests). */
const NAME_INDEX: ReadonlyMap<string, Key> = (() => {
	const index = new Map<string, Key>();
	for (const key of Object.keys(COLUMN_NAMES) as Key[]) {
		for (const name of COLUMN_NAMES[key]) {
			const normalized = normalizeHeader(name);
			const existing = index.get(normalized);
			if (existing !== undefined && existing !== key) throw new Error(`column name "${name}" listed for ${existing} and ${key}`);
			index.set(normalized, key);
		}
	}
	return index;
})();

/** The field a header is recognised as, or undefined. */
export function recogniseHeader(header: string): Key | undefined {
	const name = normalizeHeader(header);
	return name === '' ? undefined : NAME_INDEX.get(name);
}

export interface ColumnDetection {
	/** field → header used, for every field that has a column in the rows (explicit ones included) */
	columns: Partial<FlatColumns>;
	/** fields whose header was found by detection (not typed in Column Names) */
	detected: Key[];
}

/** Headers present in the rows (union of the own keys of the first 1000 rows, in order of appearance). */
export function headersOf(rows: unknown[]): string[] {
	if (!Array.isArray(rows)) return [];
	const seen = new Set<string>();
	const limit = Math.min(rows.length, 1000);
	for (let r = 0; r < limit; r++) {
		const row = rows[r];
		if (typeof row !== 'object' || row === null || Array.isArray(row)) continue;
		for (const key of Object.keys(row)) seen.add(key);
	}
	return [...seen];
}

/**
 * Finds the column of each order-model field from the header names (table above). Explicit column names
 * win: their fields are not detected, and their headers are not used for another field. Two headers that
 * both mean one field (e.g. "Datum" and "Belegdatum") are an error naming both, never a guess.
 */
export function detectFlatColumns(headers: readonly string[], explicit?: Partial<FlatColumns>): ColumnDetection {
	return guard(() => detect(headers, explicit));
}

function detect(headers: readonly string[], explicit?: Partial<FlatColumns>): ColumnDetection {
	if (!Array.isArray(headers) || headers.length > 10000 || !headers.every((header) => typeof header === 'string')) {
		throw new OrderValidationError([{ path: 'headers', message: `expected a list of column names, got ${describe(headers)}` }]);
	}
	if (explicit !== undefined && explicit !== null && (typeof explicit !== 'object' || Array.isArray(explicit))) {
		throw new OrderValidationError([{ path: 'options.columns', message: `expected an object of column names, got ${describe(explicit)}` }]);
	}
	const columns: Partial<FlatColumns> = {};
	const used = new Set<string>();
	if (explicit !== undefined && explicit !== null) {
		for (const [key, value] of Object.entries(explicit)) {
			if (typeof value === 'string' && value !== '') {
				(columns as Record<string, string>)[key] = value;
				used.add(value);
			}
		}
	}
	const found = new Map<Key, string[]>();
	for (const header of headers) {
		if (used.has(header)) continue;
		const key = recogniseHeader(header);
		if (key === undefined || columns[key] !== undefined) continue;
		const list = found.get(key);
		if (list === undefined) found.set(key, [header]);
		else list.push(header);
	}
	const issues = new IssueList();
	const detected: Key[] = [];
	for (const [key, list] of found) {
		if (list.length > 1) {
			issues.add(
				`options.columns.${key}`,
				`is ambiguous: the headers ${list.map((h) => JSON.stringify(h)).join(' and ')} both mean ${key}; name the right one in Column Names`,
			);
			continue;
		}
		columns[key] = list[0];
		detected.push(key);
	}
	issues.throwIfAny();
	return { columns, detected };
}

/** Levenshtein distance, for "closest match" hints (short strings only). */
function distance(a: string, b: string): number {
	if (a === b) return 0;
	const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = previous[0];
		previous[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = previous[j];
			previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
			diagonal = above;
		}
	}
	return previous[b.length];
}

/** The header closest to `wanted` (or to one of the field's known names), if any is close enough. */
export function closestHeader(wanted: string, key: Key, headers: readonly string[]): string | undefined {
	const targets = [normalizeHeader(wanted), ...COLUMN_NAMES[key].map(normalizeHeader)];
	let best: string | undefined;
	let bestScore = Infinity;
	for (const header of headers.slice(0, 200)) {
		const name = normalizeHeader(header).slice(0, 60);
		if (name === '') continue;
		for (const target of targets) {
			const score = distance(name, target) / Math.max(target.length, 1);
			if (score < bestScore) {
				bestScore = score;
				best = header;
			}
		}
	}
	return bestScore <= 0.5 ? best : undefined;
}
