// Sends mails to Mailgate's queue over AMQP 1.0, from outside the JVM, as another service would.
// Usage: node send-amqp.js <port> <queue> <count> <subject-prefix> <to-address> [idempotency-key]
// Prints one line per message the broker accepted ("accepted <n>"), then "done <accepted>".
'use strict';
const rhea = require('rhea');

const [port, queue, count, prefix, to, key] = process.argv.slice(2);
const total = Number(count);
let sent = 0;
let accepted = 0;

const connection = rhea.connect({ host: '127.0.0.1', port: Number(port), reconnect: false });
const sender = connection.open_sender({ target: { address: queue, durable: 2 } });

function fill() {
  while (sent < total && sender.sendable()) {
    const n = sent++;
    const body = JSON.stringify({
      recipients: { to: [to] },
      subject: `${prefix} ${n}`,
      body: `Sent over AMQP 1.0, number ${n}`,
    });
    const message = { body, durable: true, message_id: `${prefix}-${n}` };
    if (key) {
      message.application_properties = { idempotency_key: key };
    }
    sender.send(message);
  }
}

sender.on('sendable', fill);
sender.on('accepted', () => {
  accepted++;
  console.log(`accepted ${accepted}`);
  if (accepted === total) {
    console.log(`done ${accepted}`);
    connection.close();
  }
});
sender.on('rejected', (context) => {
  console.error(`rejected: ${JSON.stringify(context.delivery.remote_state)}`);
  process.exitCode = 2;
  connection.close();
});
connection.on('disconnected', (context) => {
  if (accepted < total) {
    console.error(`disconnected after ${accepted} accepted: ${context.error || ''}`);
    process.exitCode = 3;
  }
});
setTimeout(() => {
  console.error(`timed out after ${accepted} accepted`);
  process.exit(4);
}, 60000).unref();
