// Seeded tests reseed libtorch's one global generator; test classes running side by side would draw from it in
// between. Serial runs also keep these CPU-heavy model tests from competing for the same cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
