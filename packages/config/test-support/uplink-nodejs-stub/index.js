// See package.json: the SDK comparison test never loads the Storj bindings; loading them is a bug.
throw new Error('@super-protocol/uplink-nodejs is a stub in this repository (packages/config/test-support)');
