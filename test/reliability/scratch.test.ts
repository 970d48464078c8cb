import { readShopifyOrder, readWooCommerceOrder, toOdpOrderEvent, toAlgonomyOrder, toEsputnikOrder, toEsputnikOrderEvent, toOdpOrderObject, toOptimizelyRecsOrder } from '../../mapping';
import { malformedInputs } from './malformed';

it('split', () => {
	for (const [kind, read] of [['shopify', readShopifyOrder], ['wooCommerce', readWooCommerceOrder]] as const) {
		const next = malformedInputs(kind, 103, 'library');
		let tg = 0, tr = 0, tw = 0; const orders: any[] = [];
		for (let i = 0; i < 20000; i++) {
			let t = performance.now(); const input = next(); tg += performance.now() - t;
			t = performance.now(); try { orders.push(read(input.value as never)); } catch { /* */ } tr += performance.now() - t;
		}
		const t = performance.now();
		for (const o of orders.slice(0, 5000)) for (const w of [() => toOptimizelyRecsOrder(o), () => toAlgonomyOrder(o), () => toEsputnikOrder(o), () => toEsputnikOrderEvent(o, { eventTypeKey: 'orderCreated', contactIdentifier: 'email' }), () => toOdpOrderEvent(o, { action: 'purchase' }), () => toOdpOrderObject(o)]) { try { w(); } catch { /* */ } }
		tw = performance.now() - t;
		console.log(kind, 'gen', tg.toFixed(0), 'read', tr.toFixed(0), 'writers(5000 orders)', tw.toFixed(0), 'accepted', orders.length);
	}
}, 600000);
