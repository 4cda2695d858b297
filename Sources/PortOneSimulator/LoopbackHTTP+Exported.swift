// The simulator's server, requests and responses are the shared loopback server's: re-exported so
// the simulator's users (its executable, TestSupport, the tests) keep naming them through it.
@_exported import LoopbackHTTP
