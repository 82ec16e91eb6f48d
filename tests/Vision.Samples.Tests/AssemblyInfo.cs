// Each sample trains for real: seeded runs reseed libtorch's one global generator and set its thread count, and two
// trainings side by side would only compete for the same cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
