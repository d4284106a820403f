// A main() for the fuzz targets where libFuzzer is not available (GCC):
// runs the target once on each file given, or on every file of each
// directory given. `fuzz_values build/fuzz-seeds` replays a corpus.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {
int RunFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  int ran = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st {};
    if (stat(argv[i], &st) != 0) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 1;
    }
    if (S_ISDIR(st.st_mode)) {
      DIR* dir = opendir(argv[i]);
      while (dir) {
        dirent* entry = readdir(dir);
        if (!entry) break;
        std::string path = std::string(argv[i]) + "/" + entry->d_name;
        if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ran += RunFile(path);
      }
      if (dir) closedir(dir);
    } else {
      ran += RunFile(argv[i]);
    }
  }
  std::printf("%d inputs ran\n", ran);
  return 0;
}
