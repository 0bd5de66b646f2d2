/* libFuzzer harness: any bytes through the whole reader, both document
 * renderers, the extractor and both extraction renderers.
 * Built by `make fuzz` (tools/fuzz.sh) with clang -fsanitize=fuzzer,address.
 * Replay a crash: build-fuzz/fuzz_docx CRASH-FILE */
#include "fuzz_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_docx_bytes(data, size);
    return 0;
}
