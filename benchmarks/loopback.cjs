// Preloaded with `node --require ./loopback.cjs ...` by benchmarks/run.py.
// Seam's fake (@seamapi/fake-seam-connect) calls server.listen(port, cb), which
// binds every interface. This wrapper makes every TCP listen() in the process
// bind 127.0.0.1 instead, so the benchmark never opens a port beyond loopback.
'use strict';
const net = require('net');

const HOST = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen(options[, cb]); leave IPC paths and inherited handles alone.
    if (first.path === undefined && first.handle === undefined && first._handle === undefined && first.fd === undefined) {
      args[0] = { ...first, host: HOST };
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, cb]): replace or insert the host.
    if (typeof args[1] === 'string') {
      args[1] = HOST;
    } else {
      args.splice(1, 0, HOST);
    }
  } else if (first === undefined || typeof first === 'function') {
    // listen([cb]): random port.
    args.unshift(0, HOST);
  }
  // A string that is not a number is a pipe path: untouched.
  return originalListen.apply(this, args);
};
