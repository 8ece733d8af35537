// libFuzzer driver (built by `make fuzz` with -sanitize=fuzzer,address): feeds each input to
// FuzzTargets.control. libFuzzer's runtime without its own main is linked in; this main hands
// it the command line, so libFuzzer's flags (-max_total_time, corpus folders) work as usual.
import FuzzTargets
import Glibc

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
let status = runFuzzer(&argc, &argv) { data, size in
    FuzzTargets.control(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
exit(status)
