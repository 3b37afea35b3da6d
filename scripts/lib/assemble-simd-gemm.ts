/** The matrix kernel assembled by wabt (a dev dependency): the build script writes it, a test compares it. */
import wabtInit from 'wabt';
import { simdGemmWat } from '../../src/core/backend/simd-gemm-wat.ts';

export async function assembleSimdGemm(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('simd-gemm.wat', simdGemmWat(), { simd: true, relaxed_simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
