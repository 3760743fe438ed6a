import Foundation

/// Where the package, its fixtures and the shared conformance corpora are.
public enum TestPaths {
  /// The package root, found from this file's path.
  public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// `../shared` beside the checkout (CI puts it there), or `$QDA_SHARED`.
  public static var shared: URL {
    if let path = ProcessInfo.processInfo.environment["QDA_SHARED"] {
      return URL(fileURLWithPath: path)
    }
    return packageRoot.deletingLastPathComponent().appendingPathComponent(
      "shared")
  }

  /// A file under the package root.
  public static func package(_ relativePath: String) -> URL {
    packageRoot.appendingPathComponent(relativePath)
  }

  /// A file under `shared/conformance`.
  public static func conformance(_ relativePath: String) -> URL {
    shared.appendingPathComponent("conformance").appendingPathComponent(
      relativePath)
  }

  /// The built `qda` executable: `$QDA_BIN`, or beside the test bundle.
  public static var qdaExecutable: URL {
    if let path = ProcessInfo.processInfo.environment["QDA_BIN"] {
      return URL(fileURLWithPath: path)
    }
    let bundle = URL(fileURLWithPath: "/proc/self/exe")
      .resolvingSymlinksInPath()
    var directory = bundle.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("qda")
      if FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate
      }
      directory = directory.deletingLastPathComponent()
    }
    return bundle.deletingLastPathComponent().appendingPathComponent("qda")
  }
}
