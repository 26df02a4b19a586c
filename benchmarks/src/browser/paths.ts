/** Where pages served by ./server.ts find tf's wasm binaries (setWasmPaths). */
export const WASM_PATH = '/wasm/';
