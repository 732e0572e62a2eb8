using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Sluice.Filters.Wasm.Runtime;
using Wasmtime;

namespace Sluice.Filters.Wasm.Host;

/// <summary>
/// The WASI calls SDK runtimes import (Rust's std, TinyGo, AssemblyScript's bindings), as the C++ host offers them:
/// stdout and stderr go to the gateway's log, clocks and randomness work, there is no file system, environment or
/// argument, and <c>proc_exit</c> ends the instance (a trap).
/// </summary>
internal static partial class HostFunctions
{
    private const int Success = 0;
    private const int BadDescriptor = 8;
    private const int NotSupported = 52;

    private static void DefineWasi(Linker linker, string module)
    {
        Wasi(linker, module, "fd_write", "iiii", static (vm, a) => FdWrite(vm, I(a, 0), I(a, 1), I(a, 2), I(a, 3)));
        Wasi(linker, module, "fd_read", "iiii", static (vm, a) =>
        {
            if (I(a, 0) != 0)
            {
                return BadDescriptor;
            }

            vm.WriteU32(I(a, 3), 0);
            return Success;
        });
        Define(linker, module, "fd_seek", "iIii", "i", static (caller, a, r) => r[0] = BadDescriptor);
        Wasi(linker, module, "fd_close", "i", static (vm, a) => BadDescriptor);
        Wasi(linker, module, "fd_fdstat_get", "ii", static (vm, a) =>
        {
            if (I(a, 0) is < 0 or > 2)
            {
                return BadDescriptor;
            }

            var stat = vm.Bytes(I(a, 1), 24);
            stat.Clear();
            stat[0] = 2; // character device
            return Success;
        });
        Wasi(linker, module, "fd_fdstat_set_flags", "ii", static (vm, a) => NotSupported);
        Wasi(linker, module, "fd_prestat_get", "ii", static (vm, a) => BadDescriptor);
        Wasi(linker, module, "fd_prestat_dir_name", "iii", static (vm, a) => BadDescriptor);
        Wasi(linker, module, "fd_filestat_get", "ii", static (vm, a) => BadDescriptor);
        Wasi(linker, module, "environ_get", "ii", static (vm, a) => Success);
        Wasi(linker, module, "environ_sizes_get", "ii", static (vm, a) => ZeroSizes(vm, I(a, 0), I(a, 1)));
        Wasi(linker, module, "args_get", "ii", static (vm, a) => Success);
        Wasi(linker, module, "args_sizes_get", "ii", static (vm, a) => ZeroSizes(vm, I(a, 0), I(a, 1)));
        Define(linker, module, "clock_time_get", "iIi", "i", static (caller, a, r) => r[0] = Guarded(caller, a, static (vm, a) =>
        {
            var nanos = I(a, 0) == 0
                ? (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100
                : (ulong)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));
            vm.WriteU64(I(a, 2), nanos);
            return Success;
        }));
        Wasi(linker, module, "clock_res_get", "ii", static (vm, a) =>
        {
            vm.WriteU64(I(a, 1), 1000);
            return Success;
        });
        Wasi(linker, module, "random_get", "ii", static (vm, a) =>
        {
            RandomNumberGenerator.Fill(vm.Bytes(I(a, 0), I(a, 1)));
            return Success;
        });
        Define(linker, module, "proc_exit", "i", string.Empty, static (caller, a, r) =>
            throw new GuestExitException($"the filter exited (proc_exit {a[0].AsInt32()})"));
        Wasi(linker, module, "sched_yield", string.Empty, static (vm, a) => Success);
        Wasi(linker, module, "poll_oneoff", "iiii", static (vm, a) => NotSupported);
        Define(linker, module, "path_open", "iiiiiIIii", "i", static (caller, a, r) => r[0] = NotSupported);
        Wasi(linker, module, "path_filestat_get", "iiiii", static (vm, a) => NotSupported);
    }

    private delegate int WasiCall(WasmVm vm, ReadOnlySpan<ValueBox> a);

    private static void Wasi(Linker linker, string module, string name, string parameters, WasiCall call) =>
        Define(linker, module, name, parameters, "i", (caller, a, r) => r[0] = Guarded(caller, a, call));

    private static int Guarded(Caller caller, ReadOnlySpan<ValueBox> arguments, WasiCall call)
    {
        try
        {
            return call((WasmVm)caller.GetData()!, arguments);
        }
        catch (GuestMemoryException)
        {
            return 21; // EFAULT
        }
    }

    private static int ZeroSizes(WasmVm vm, int countPointer, int sizePointer)
    {
        vm.WriteU32(countPointer, 0);
        vm.WriteU32(sizePointer, 0);
        return Success;
    }

    /// <summary>Writes to stdout (info) and stderr (warning) become log lines of the filter; other descriptors do not exist.</summary>
    private static int FdWrite(WasmVm vm, int fd, int iovs, int count, int writtenPointer)
    {
        if (fd is not (1 or 2))
        {
            return BadDescriptor;
        }

        var builder = new StringBuilder();
        var total = 0u;
        for (var i = 0; i < count; i++)
        {
            var iov = vm.Bytes(iovs + (i * 8), 8);
            var pointer = (int)BinaryPrimitives.ReadUInt32LittleEndian(iov);
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(iov[4..]);
            builder.Append(Encoding.UTF8.GetString(vm.Bytes(pointer, length)));
            total += (uint)length;
        }

        vm.LogText(fd == 1 ? Abi.WasmLogLevel.Info : Abi.WasmLogLevel.Warn, builder.ToString().TrimEnd('\n'));
        vm.WriteU32(writtenPointer, total);
        return Success;
    }
}
