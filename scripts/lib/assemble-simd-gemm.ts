/** WebAssembly text assembled by wabt (a dev dependency): the matrix kernel's build script and test, and bench/gemm.ts. */
import wabtInit from 'wabt';
import { simdGemmWat } from '../../src/core/backend/simd-gemm-wat.ts';

/** `text` as a validated binary, with SIMD and relaxed SIMD enabled. */
export async function assembleWat(name: string, text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(name, text, { simd: true, relaxed_simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

export function assembleSimdGemm(): Promise<Uint8Array> {
  return assembleWat('simd-gemm.wat', simdGemmWat());
}
