import { setBackend } from '../helpers/backends';
import { compareModels } from '../../benchmarks/src/bench/model';
import { modelTable } from '../../benchmarks/src/commands/model';

/*
 * The real-model comparison (`tfjs-activations-bench model`): the MLP block 256 -> 1024 (gelu) ->
 * 256, batch 64, trained with ours and with tfjs-layers' own 'gelu' from the same weights. Here
 * only its correctness is tested (equal losses), never its timing: speed is the harness's job.
 */

describe.each(['cpu', 'wasm'])('model comparison on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  it("ours and tfjs-layers' 'gelu' train to the same losses (float32 rounding), and both learn", async () => {
    const r = await compareModels({ activation: 'gelu', batches: 2, epochs: 2, warmup: 1 });
    expect(r.backend).toBe(backend);
    expect(r.ours.losses).toHaveLength(3);
    expect(r.tf.losses).toHaveLength(3);
    expect(r.ours.epochMs).toHaveLength(2);
    // Same weights, data and order; the two gelus differ by float32 rounding only (1e-7 relative
    // above 0, tiny absolute values below), which SGD carries over 3 epochs.
    expect(r.maxLossRelDiff).toBeLessThan(1e-5);
    expect(r.ours.losses[2]).toBeLessThan(r.ours.losses[0]);
    expect(Number.isFinite(r.speedup) && r.speedup > 0).toBe(true);
    // The model without an activation (Amdahl's floor) trains in the same rotation, from the
    // same weights: a different function, so different losses, but it learns too.
    expect(r.linear.losses).toHaveLength(3);
    expect(r.linear.epochMs).toHaveLength(2);
    expect(r.linear.losses[2]).toBeLessThan(r.linear.losses[0]);
    expect(r.linear.losses[2]).not.toBeCloseTo(r.tf.losses[2], 6);
    expect(r.bound).toBeCloseTo(r.linear.epochsPerSecond / r.tf.epochsPerSecond, 10);
    expect(modelTable([r])).toContain(`| ${backend} |`);
  }, 120000);
});
