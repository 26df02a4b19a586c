import wabtInit from 'wabt';
import { activations, builtinActivationNames } from '../../src/activations';
import { assembleWat } from '../../src/kernels/wasm/assemble';
import { wasmModuleText } from '../../src/kernels/wasm/source';

/*
 * The run-time assembler (src/kernels/wasm/assemble.ts, for defineActivation's modules) against
 * wabt, which builds the library's own: the same bytes for every built-in module, and a shared
 * variant that validates.
 */
describe.each(builtinActivationNames)('%s', (name) => {
  const text = wasmModuleText(activations[name].wasm);

  it('assembles to the bytes wabt makes', async () => {
    const wabt = await wabtInit();
    const module = wabt.parseWat(`${name}.wat`, text, { simd: true });
    const reference = Buffer.from(module.toBinary({}).buffer);
    module.destroy();
    expect(Buffer.from(assembleWat(text)).equals(reference)).toBe(true);
  });

  it('has a shared-memory variant that validates and differs only in the memory flags', () => {
    const plain = assembleWat(text);
    const shared = assembleWat(text, true);
    expect(WebAssembly.validate(shared)).toBe(true);
    expect(Array.from(shared).filter((b, i) => b !== plain[i])).toEqual([0x03]);
  });
});

it('refuses what it does not know, naming it', () => {
  expect(() => assembleWat('(module (func (f32x4.qfma)))')).toThrow(/unsupported instruction f32x4.qfma/);
  expect(() => assembleWat('(module (func (local.get $nope)))')).toThrow(/unknown local \$nope/);
  expect(() => assembleWat('(module')).toThrow(/unbalanced/);
});
