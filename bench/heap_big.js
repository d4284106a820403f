// Benchmark heap for bench/heap_walk.py: a service that kept too much.
//   node --expose-gc heap_big.js [ORDERS] [NOTE_LENGTH] [SNAPSHOT]
// ORDERS orders (default 1,200,000), each with a customer record shared by
// ten orders, an amount (a boxed double), three line items and a note: a
// flat string of NOTE_LENGTH characters (default 600), or with 0 a short
// concatenation (cons) string, which makes a dense heap of small objects.
// Short-lived garbage is made and collected on the way, then the process
// aborts (a core dump). With SNAPSHOT (bench/heap_snapshot.py), V8's own
// heap snapshot is written there first with v8.writeHeapSnapshot(), timed in
// the process, and snapshot.json in the working directory records its time
// and the process's peak resident memory before and after it.
'use strict';
const ORDERS = Number(process.argv[2] || 1200000);
const NOTE_LENGTH = Number(process.argv[3] || (process.argv[3] === '0' ? 0 : 600));

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
    const note = 'order ' + i + ' for ' + customer.name;
    // padEnd makes a tree of cons strings: copy it into one flat string.
    this.note = NOTE_LENGTH ? Buffer.from(note.padEnd(NOTE_LENGTH, '.'), 'latin1').toString('latin1') : note;
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
const SNAPSHOT = process.argv[4];
if (SNAPSHOT) {
  const v8 = require('v8');
  const fs = require('fs');
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const rssBefore = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  v8.writeHeapSnapshot(SNAPSHOT);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.writeFileSync('snapshot.json', JSON.stringify({
    file: SNAPSHOT, seconds, bytes: fs.statSync(SNAPSHOT).size, rss_before: rssBefore, peak_rss_before: peakBefore,
    peak_rss_after: process.resourceUsage().maxRSS * 1024, heap_used: process.memoryUsage().heapUsed,
  }));
  console.log('v8.writeHeapSnapshot', seconds.toFixed(2), 's');
}
process.abort();
