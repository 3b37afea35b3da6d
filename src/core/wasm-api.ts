/**
 * The few members of the WebAssembly JS API that FER Studio's own kernels use (the project's
 * TypeScript libs do not declare WebAssembly), and the API itself where the engine has it.
 */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
