#include "cli/scenario_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "testing/scenario/scenario_runner.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using scenario::ScenarioOptions;
using scenario::ScenarioResult;

constexpr const char* kUsage =
    "usage: sluice scenario FILE_OR_DIR... [--threads N] [--filter SUBSTR] [--step-timeout SECONDS]\n";

struct CommandLine {
  std::vector<std::string> paths;
  int threads = 0;
  std::string filter;
  int step_timeout_seconds = 120;
};

bool ParseInt(const std::string& s, int* out) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), ::isdigit) || s.size() > 9) return false;
  *out = std::stoi(s);
  return true;
}

// Returns an error message, or "" on success.
std::string ParseCommandLine(const std::vector<std::string>& args, CommandLine* cl) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_value = false;
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    auto take = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= args.size()) return "\x01";
      return args[++i];
    };
    if (a == "--threads") {
      std::string v = take();
      if (!ParseInt(v, &cl->threads) || cl->threads < 1) return "--threads needs a positive number";
    } else if (a == "--filter") {
      cl->filter = take();
      if (cl->filter == "\x01") return "--filter needs a value";
    } else if (a == "--step-timeout") {
      std::string v = take();
      if (!ParseInt(v, &cl->step_timeout_seconds)) return "--step-timeout needs a number of seconds";
    } else if (a == "-h" || a == "--help") {
      return "help";
    } else if (a.rfind("--", 0) == 0) {
      return "unknown option " + a;
    } else {
      cl->paths.push_back(args[i]);
    }
  }
  // Tolerate the subcommand itself as the first argument.
  if (!cl->paths.empty() && cl->paths[0] == "scenario" && !fs::exists(cl->paths[0])) {
    cl->paths.erase(cl->paths.begin());
  }
  if (cl->paths.empty()) return "no scenario files or directories given";
  return "";
}

// Files to run, in order; missing paths are returned in `missing`.
std::vector<std::string> CollectFiles(const CommandLine& cl, std::vector<std::string>* missing) {
  std::vector<std::string> files;
  for (const std::string& p : cl.paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::follow_directory_symlink, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".stest") {
          found.push_back(it->path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      missing->push_back(p);
    }
  }
  if (!cl.filter.empty()) {
    files.erase(std::remove_if(files.begin(), files.end(),
                               [&](const std::string& f) { return f.find(cl.filter) == std::string::npos; }),
                files.end());
  }
  return files;
}

std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += prefix + line + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// Ends the process if one step runs longer than the timeout (an engine hang must not stall a suite).
class StepWatchdog {
 public:
  explicit StepWatchdog(int timeout_seconds) : timeout_(timeout_seconds) {
    if (timeout_ > 0) thread_ = std::thread([this] { Loop(); });
  }
  ~StepWatchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void SetCounts(int passed, int failed) {
    std::lock_guard<std::mutex> lock(mu_);
    passed_ = passed;
    failed_ = failed;
  }

  void StepStarted(const std::string& file, const std::string& step) {
    std::lock_guard<std::mutex> lock(mu_);
    file_ = file;
    step_ = step;
    started_ = std::chrono::steady_clock::now();
    active_ = true;
  }

  void FileDone() {
    std::lock_guard<std::mutex> lock(mu_);
    active_ = false;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_) {
      cv_.wait_for(lock, std::chrono::milliseconds(200));
      if (done_ || !active_) continue;
      auto elapsed = std::chrono::steady_clock::now() - started_;
      if (elapsed < std::chrono::seconds(timeout_)) continue;
      std::cout << "FAIL " << file_ << "\n  step: " << step_ << "\n  timed out after " << timeout_
                << " s (the query did not become idle)\n"
                << passed_ << " passed, " << failed_ + 1 << " failed" << std::endl;
      std::_Exit(1);
    }
  }

  int timeout_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool active_ = false;
  std::string file_;
  std::string step_;
  std::chrono::steady_clock::time_point started_;
  int passed_ = 0;
  int failed_ = 0;
};

}  // namespace

int RunScenarioCommand(const std::vector<std::string>& args) {
  CommandLine cl;
  std::string error = ParseCommandLine(args, &cl);
  if (error == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (!error.empty()) {
    std::cerr << "sluice scenario: " << error << "\n" << kUsage;
    return 2;
  }
  std::vector<std::string> missing;
  std::vector<std::string> files = CollectFiles(cl, &missing);

  int passed = 0;
  int failed = 0;
  for (const std::string& m : missing) {
    std::cout << "FAIL " << m << "\n  no such file or directory\n";
    ++failed;
  }

  StepWatchdog watchdog(cl.step_timeout_seconds);
  ScenarioOptions options;
  options.threads = cl.threads;
  options.on_step = [&](const scenario::ScenarioFile& file, const scenario::Directive& d) {
    watchdog.StepStarted(file.path, file.Where(d.line) + ": " + d.header);
  };
  for (const std::string& path : files) {
    watchdog.SetCounts(passed, failed);
    watchdog.StepStarted(path, path + " (setup)");
    ScenarioResult r = scenario::RunScenarioFile(path, options);
    watchdog.FileDone();
    if (r.passed) {
      std::cout << "PASS " << path << "\n";
      ++passed;
    } else {
      std::cout << "FAIL " << path << "\n";
      if (!r.step.empty()) std::cout << "  step: " << r.step << "\n";
      std::cout << Indent(r.message, "  ");
      ++failed;
    }
    std::cout.flush();
  }
  std::cout << passed << " passed, " << failed << " failed" << std::endl;
  return failed == 0 ? 0 : 1;
}

}  // namespace sluice
