// The CLI tests redirect the process-wide Console.Out/Console.Error to read what a command printed, so
// they must not run in parallel with each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
