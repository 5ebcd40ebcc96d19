"""Writes kquant-input.f32: 256-element super-blocks with the cases the K-quant encoders branch on."""
import sys
import numpy as np

rng = np.random.default_rng(11)
blocks = [
    rng.standard_normal(256 * 4) * 0.02,                  # ordinary weights
    np.zeros(256),                                         # all zero
    np.full(256, 0.5),                                     # constant positive (min clamps to 0)
    np.full(256, -0.25),                                   # constant negative (max == min in every sub-block)
    np.r_[np.zeros(128), rng.standard_normal(128)],        # zero sub-blocks beside live ones (d = 0: levels kept)
    np.r_[np.full(16, 1e-3), rng.standard_normal(240)],    # one tiny constant Q6_K group
    rng.standard_normal(256) * 1e4,                        # large: fp16 super-scale near its range
    rng.standard_normal(256) * 1e6,                        # huge: fp16 super-scale overflows to inf
    rng.standard_normal(256) * 1e-6,                       # tiny: super-scales are fp16 subnormals
    rng.standard_normal(256) * 1e-30,                      # tinier: squares underflow, scales flush to 0
    np.abs(rng.standard_normal(256)) + 3.0,                # all positive, away from zero
    -np.abs(rng.standard_normal(256)) - 3.0,               # all negative
    np.r_[100.0, rng.standard_normal(255) * 0.01],         # one outlier
    np.tile(np.linspace(-1, 1, 32), 8),                    # ramps: many rounding ties
    np.round(rng.standard_normal(256) * 8) / 8,            # values on a coarse grid
]
np.concatenate(blocks).astype(np.float32).tofile(sys.argv[1] if len(sys.argv) > 1 else "kquant-input.f32")
