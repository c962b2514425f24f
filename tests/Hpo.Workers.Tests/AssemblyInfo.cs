// Fleet and chaos tests start Hangfire servers and worker processes on a shared, small machine; running
// them one at a time keeps their timing (leases of a few seconds) meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
