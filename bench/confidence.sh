#!/usr/bin/env bash
# Does the built-in model's confidence send images unlike the training set to review?
# ConfidenceBenchmark: Fashion-MNIST open set (train on classes 0-4, 20 images each; classify 40
# test images of each of the 10 classes) and generated logos (train on 2 brands, 5 images each;
# new images of those brands and of 5 brands never seen), through the real backend, repeated with
# other training images and seeds. Prints, side by side from the same versions, the class
# probability (the confidence before familiarity) and the novelty-aware confidence, and a raw-pixel
# cosine 1-NN baseline; median [min - max] over the repeats.
# Usage: bench/confidence.sh [-Dbench.repeats=3] [-Dbench.only=fashion|logos]
exec "$(dirname "$0")/run-model-bench.sh" ConfidenceBenchmark "$@"
