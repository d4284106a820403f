// Benchmark heap for bench/heap_walk.py: a service that kept too much.
// ORDERS orders (default 3,000,000), each with a customer record shared by
// ten orders, a note string, an amount (a boxed double) and three line
// items: about 30 million objects and over 1 GB of heap. Garbage is made
// and collected on the way, then the process aborts (a core dump).
'use strict';
const ORDERS = Number(process.argv[2] || 3000000);

class Customer {
  constructor(i) {
    this.id = i;
    this.name = 'customer-' + i;
  }
}
class LineItem {
  constructor(sku, qty) {
    this.sku = sku;
    this.qty = qty;
  }
}
class Order {
  constructor(i, customer) {
    this.id = i;
    this.amount = i * 1.25 + 0.1;
    this.customer = customer;
    this.note = 'order ' + i + ' for ' + customer.name;
    this.items = [new LineItem('sku-' + (i % 1000), 1), new LineItem('sku-' + (i % 777), 2),
                  new LineItem('sku-' + (i % 333), i % 5)];
  }
}

const orders = [];
let customer = null;
for (let i = 0; i < ORDERS; i++) {
  if (i % 10 === 0) customer = new Customer(i / 10);
  orders.push(new Order(i, customer));
  if (i % 100000 === 0) {
    // Short-lived garbage, as a service makes.
    let scratch = [];
    for (let j = 0; j < 1000; j++) scratch.push({ j, text: 'tmp' + j });
    scratch = null;
  }
}
globalThis.orders = orders;
if (typeof gc === 'function') gc();
console.log('orders', orders.length, 'heap used', process.memoryUsage().heapUsed);
process.abort();
