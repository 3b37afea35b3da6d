/**
 * The WebAssembly text of FER Studio's matrix kernel, generated: one register tile written out
 * by hand would be 60 near-identical lines per row count.
 *
 *   gemm(a, ars, aks, asg, segs, b, ldb, bps, c, ldc, m, n, k, acc)
 *   C[r, j] (+)= sum over s < segs, t < k of A(r, s, t) * B(s*k + t, j)     (r < m, j < n)
 *
 * with A(r, s, t) at float index a + r*ars + s*asg + t*aks, B(q, j) at b + (j/8)*bps + q*ldb + j%8
 * (row-major: bps = 8, ldb = the row length; packed in panels of 8 columns: ldb = 8), C
 * row-major with row stride ldc; all addresses are byte offsets into the imported memory (the
 * tfjs wasm backend's heap), strides in floats. acc = 1 adds to C, 0 overwrites it. n must be a
 * multiple of 8; with n, k or segs 0 it returns at once and leaves C as it was. The strides let a
 * convolution use it without im2col: a 3x3 convolution's rows of A are overlapping windows of the
 * padded input (wasm-simd-conv.ts).
 *
 * Why: tfjs' XNNPACK convolutions run at about half of one core's SIMD128 peak (bench/gemm.ts
 * times both kernels per layer and the peak in one run). This kernel issues one
 * f32x4.relaxed_madd (a fused multiply-add in Node 22+ and Electron) where XNNPACK's SIMD128 build
 * issues a multiply and an add, so the loop carries fewer instructions per multiply-add; the peak
 * itself is about the same either way on the machines measured. A kernel per row stride of A,
 * with the row offsets as the loads' constant offsets, measured the same (within 2 %) and was
 * not kept.
 * Tiles: 6 rows x 8 columns (12 accumulators, two B vectors and one broadcast A value fit the 16
 * SIMD registers of x86-64), then one 3-row tile and 1-row tiles for the rest of m.
 */

/** The module's text; scripts/build-simd-gemm.ts assembles it with wabt into simd-gemm-binary.ts. */
export function simdGemmWat(): string {
  return `(module
  (import "env" "memory" (memory 1))
  (func (export "gemm") (param $a i32) (param $ars i32) (param $aks i32) (param $asg i32) (param $segs i32)
      (param $b i32) (param $ldb i32) (param $bps i32) (param $c i32) (param $ldc i32) (param $m i32) (param $n i32) (param $k i32)
      (param $acc i32)
    (local $i i32) (local $j i32) (local $s i32) (local $t i32)
    (local $arow i32) (local $pa i32) (local $pb i32) (local $pc i32)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    ${range(6)
      .map((r) => `(local $c${r}_0 v128) (local $c${r}_1 v128) (local $r${r} i32)`)
      .join(' ')}
    ;; Nothing to do, and the loops below test at their end: k = 0 would run 2^32 times.
    (if (i32.or (i32.or (i32.le_s (local.get $n) (i32.const 0)) (i32.le_s (local.get $k) (i32.const 0)))
        (i32.le_s (local.get $segs) (i32.const 0)))
      (then (return)))
    ;; strides in bytes from here on
    (local.set $ars (i32.shl (local.get $ars) (i32.const 2)))
    (local.set $aks (i32.shl (local.get $aks) (i32.const 2)))
    (local.set $asg (i32.shl (local.get $asg) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $bps (i32.shl (local.get $bps) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    ${range(6)
      .map((r) => `(local.set $r${r} (i32.mul (local.get $ars) (i32.const ${r})))`)
      .join('\n    ')}
    (local.set $i (i32.const 0))
    ${rowLoop(6)}
    ${rowLoop(3)}
    ${rowLoop(1)}))`;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Tiles of `rows` rows while at least `rows` rows of m are left. */
function rowLoop(rows: number): string {
  const acc = (r: number, h: number) => `$c${r}_${h}`;
  const each = (f: (r: number, h: number) => string) =>
    range(rows)
      .flatMap((r) => [f(r, 0), f(r, 1)])
      .join('\n          ');
  const cAddr = (r: number) => `(i32.add (local.get $pc) (i32.mul (local.get $ldc) (i32.const ${r})))`;
  const step = range(rows)
    .map(
      (r) => `(local.set $av (v128.load32_splat (i32.add (local.get $pa) (local.get $r${r}))))
              (local.set ${acc(r, 0)} (f32x4.relaxed_madd (local.get $av) (local.get $b0) (local.get ${acc(r, 0)})))
              (local.set ${acc(r, 1)} (f32x4.relaxed_madd (local.get $av) (local.get $b1) (local.get ${acc(r, 1)})))`,
    )
    .join('\n              ');
  const kstep = `(local.set $b0 (v128.load offset=0 (local.get $pb)))
            (local.set $b1 (v128.load offset=16 (local.get $pb)))
              ${step}
            (local.set $pa (i32.add (local.get $pa) (local.get $aks)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))`;
  return `(block $done${rows} (loop $rows${rows}
      (br_if $done${rows} (i32.gt_s (i32.add (local.get $i) (i32.const ${rows})) (local.get $m)))
      (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ars))))
      (local.set $j (i32.const 0))
      (loop $cols${rows}
        (local.set $pc (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2)))))
        (if (local.get $acc)
          (then
          ${each((r, h) => `(local.set ${acc(r, h)} (v128.load offset=${h * 16} ${cAddr(r)}))`)})
          (else
          ${each((r, h) => `(local.set ${acc(r, h)} (v128.const i32x4 0 0 0 0))`)}))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $bps))))
        (local.set $s (i32.const 0))
        (loop $segs${rows}
          (local.set $pa (i32.add (local.get $arow) (i32.mul (local.get $s) (local.get $asg))))
          (local.set $t (local.get $k))
          (loop $k${rows}
            ${kstep}
            (local.set $t (i32.sub (local.get $t) (i32.const 1)))
            (br_if $k${rows} (local.get $t)))
          (local.set $s (i32.add (local.get $s) (i32.const 1)))
          (br_if $segs${rows} (i32.lt_s (local.get $s) (local.get $segs))))
        ${each((r, h) => `(v128.store offset=${h * 16} ${cAddr(r)} (local.get ${acc(r, h)}))`)}
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br_if $cols${rows} (i32.lt_s (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const ${rows})))
      (br $rows${rows})))`;
}
