import { createServer } from 'node:http';
import { recentPayments } from './db.js';

const port = Number(process.env.PORT ?? 8080);

const server = createServer(async (req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  if (req.url === '/payments/recent') {
    try {
      const rows = await recentPayments();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(rows));
    } catch {
      res.writeHead(503).end('database unavailable');
    }
    return;
  }
  res.writeHead(404).end();
});

server.listen(port, () => {
  process.stdout.write(`leaky-service listening on ${port}\n`);
});
