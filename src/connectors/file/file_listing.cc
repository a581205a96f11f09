#include "connectors/file/file_listing.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <set>
#include <system_error>

#include "platform/file_system.h"
#include "sluice/exception.h"
#include "streaming/checkpoint/file_sink_log.h"

namespace sluice {

namespace fs = std::filesystem;

ListingOptions ListingOptions::FromMap(const OptionMap& options) {
  ListingOptions out;
  out.path_glob_filter = GetOptionalString(options, "pathGlobFilter");
  out.recursive_file_lookup = GetBool(options, "recursiveFileLookup", false);
  out.base_path = GetOptionalString(options, "basePath");
  return out;
}

bool IsGlobPath(std::string_view path) {
  return path.find_first_of("*?[{") != std::string_view::npos;
}

bool IsHiddenName(std::string_view name) {
  if (name.empty()) return false;
  if (name.size() >= 10 && name.substr(name.size() - 10) == "._COPYING_") return true;
  if (name[0] == '.') return true;
  // `_col=value` is a partition directory, not a hidden one.
  return name[0] == '_' && name.find('=') == std::string_view::npos;
}

fs::path AbsolutePath(std::string_view path) {
  fs::path p = FileUriToPath(path);
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  abs = abs.lexically_normal();
  // "/dir/" normalizes to "/dir/" (an empty last component): drop it.
  std::string s = abs.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return fs::path(s);
}

std::string QualifiedPath(const fs::path& path) {
  return "file:" + AbsolutePath(path.string()).string();
}

namespace {

// Expands the first top-level {a,b,...} group of `pattern`, recursively. Unbalanced braces are
// kept literally.
void ExpandBraces(const std::string& pattern, std::vector<std::string>* out) {
  size_t open = pattern.find('{');
  if (open == std::string::npos) {
    out->push_back(pattern);
    return;
  }
  int depth = 0;
  size_t close = std::string::npos;
  std::vector<size_t> commas;
  for (size_t i = open; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) {
        close = i;
        break;
      }
    } else if (c == ',' && depth == 1) {
      commas.push_back(i);
    }
  }
  if (close == std::string::npos) {
    out->push_back(pattern);
    return;
  }
  std::string prefix = pattern.substr(0, open);
  std::string suffix = pattern.substr(close + 1);
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t comma : commas) {
    ExpandBraces(prefix + pattern.substr(start, comma - start) + suffix, out);
    start = comma + 1;
  }
}

bool HasWildcard(std::string_view component) {
  return component.find_first_of("*?[") != std::string_view::npos;
}

std::vector<std::string> SplitComponents(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// Hadoop-style globStatus for one brace-free absolute pattern.
void GlobOne(const std::string& pattern, std::set<fs::path>* out) {
  std::vector<std::string> parts = SplitComponents(pattern);
  std::vector<fs::path> current = {fs::path("/")};
  for (size_t i = 0; i < parts.size(); ++i) {
    std::vector<fs::path> next;
    for (const fs::path& dir : current) {
      if (!HasWildcard(parts[i])) {
        fs::path p = dir / parts[i];
        std::error_code ec;
        if (fs::exists(p, ec)) next.push_back(p);
        continue;
      }
      std::error_code ec;
      if (!fs::is_directory(dir, ec)) continue;
      std::vector<fs::path> matches;
      for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (fnmatch(parts[i].c_str(), name.c_str(), 0) == 0) matches.push_back(it->path());
      }
      std::sort(matches.begin(), matches.end());
      next.insert(next.end(), matches.begin(), matches.end());
    }
    current = std::move(next);
    if (current.empty()) return;
  }
  out->insert(current.begin(), current.end());
}

InputFile StatFile(const fs::path& path) {
  InputFile f;
  f.path = path;
  f.size = static_cast<int64_t>(FileSize(path));
  f.modification_time_ms = ModificationTimeMs(path);
  return f;
}

// Appends the visible leaf files below `dir`.
void ListLeafFiles(const fs::path& dir, std::vector<fs::path>* out) {
  std::error_code ec;
  std::vector<fs::path> children;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    children.push_back(it->path());
  }
  if (ec) throw IoError(fmt::format("cannot list directory {}: {}", dir.string(), ec.message()));
  std::sort(children.begin(), children.end());
  for (const fs::path& child : children) {
    if (IsHiddenName(child.filename().string())) continue;
    std::error_code sec;
    if (fs::is_directory(child, sec)) {
      ListLeafFiles(child, out);
    } else if (fs::is_regular_file(child, sec)) {
      out->push_back(child);
    }
  }
}

void SetPartitionValues(const std::vector<fs::path>& bases, InputFile* file) {
  // The deepest base that is an ancestor directory of the file.
  const fs::path* best = nullptr;
  for (const fs::path& base : bases) {
    fs::path rel = file->path.parent_path().lexically_relative(base);
    if (rel.empty() || *rel.begin() == "..") continue;
    if (best == nullptr || base.string().size() > best->string().size()) best = &base;
  }
  if (best == nullptr) return;
  fs::path rel = file->path.parent_path().lexically_relative(*best);
  for (const fs::path& part : rel) {
    std::string name = part.string();
    size_t eq = name.find('=');
    if (name == "." || eq == std::string::npos || eq == 0) continue;
    std::string column = UnescapePartitionPathName(name.substr(0, eq));
    std::string raw = name.substr(eq + 1);
    std::optional<std::string> value;
    if (raw != kHiveDefaultPartition) value = UnescapePartitionPathName(raw);
    file->partition_values.emplace_back(std::move(column), std::move(value));
  }
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view name) {
  std::vector<std::string> patterns;
  ExpandBraces(std::string(pattern), &patterns);
  std::string n(name);
  for (const std::string& p : patterns) {
    if (fnmatch(p.c_str(), n.c_str(), 0) == 0) return true;
  }
  return false;
}

std::vector<InputFile> ListInputFiles(std::string_view path, const ListingOptions& options,
                                      bool must_exist) {
  fs::path abs = AbsolutePath(path);
  // Roots: the files and directories the path names (several for a glob).
  std::vector<fs::path> roots;
  if (IsGlobPath(abs.string())) {
    std::vector<std::string> patterns;
    ExpandBraces(abs.string(), &patterns);
    std::set<fs::path> matches;
    for (const std::string& p : patterns) GlobOne(p, &matches);
    for (const fs::path& m : matches) {
      if (!IsHiddenName(m.filename().string())) roots.push_back(m);
    }
    if (matches.empty() && must_exist) {
      throw AnalysisError(fmt::format("[PATH_NOT_FOUND] Path does not exist: {}. SQLSTATE: 42K03",
                                      QualifiedPath(abs)));
    }
  } else if (Exists(abs)) {
    roots.push_back(abs);
  } else if (must_exist) {
    throw AnalysisError(fmt::format("[PATH_NOT_FOUND] Path does not exist: {}. SQLSTATE: 42K03",
                                    QualifiedPath(abs)));
  }

  std::vector<fs::path> leaf_paths;
  std::vector<fs::path> bases;
  for (const fs::path& root : roots) {
    if (IsDirectory(root)) {
      bases.push_back(root);
      if (options.use_sink_manifest && FileSinkLog::HasMetadataLog(root)) {
        for (const SinkFileStatus& s : FileSinkLog(root).AllFiles()) {
          if (!s.is_dir) leaf_paths.push_back(AbsolutePath(s.path));
        }
      } else {
        ListLeafFiles(root, &leaf_paths);
      }
    } else {
      bases.push_back(root.parent_path());
      leaf_paths.push_back(root);
    }
  }
  if (options.base_path) bases = {AbsolutePath(*options.base_path)};

  std::sort(leaf_paths.begin(), leaf_paths.end());
  leaf_paths.erase(std::unique(leaf_paths.begin(), leaf_paths.end()), leaf_paths.end());
  std::vector<InputFile> files;
  files.reserve(leaf_paths.size());
  for (const fs::path& p : leaf_paths) {
    if (options.path_glob_filter && !GlobMatch(*options.path_glob_filter, p.filename().string())) {
      continue;
    }
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) continue;  // a manifest entry removed since, or a socket
    InputFile f = StatFile(p);
    if (!options.recursive_file_lookup) SetPartitionValues(bases, &f);
    files.push_back(std::move(f));
  }
  return files;
}

namespace {

bool NeedsEscape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string EscapePartitionPathName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (NeedsEscape(c)) {
      out += fmt::format("%{:02X}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string UnescapePartitionPathName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size()) {
      int hi = HexDigit(name[i + 1]);
      int lo = HexDigit(name[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += name[i];
  }
  return out;
}

}  // namespace sluice
