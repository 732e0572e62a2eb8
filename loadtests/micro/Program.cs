using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Sluice.Benchmarks.RoutingBenchmarks).Assembly).Run(args);
