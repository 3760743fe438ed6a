/// A problem found in a codebook file, with its place.
public struct CodebookDiagnostic: Sendable, Equatable, Comparable,
  CustomStringConvertible
{
  /// How serious the problem is.
  public enum Severity: String, Sendable { case error, warning }

  /// The codebook file.
  public var path: String
  /// Where the problem is.
  public var location: SourceLocation
  /// Error or warning.
  public var severity: Severity
  /// What is wrong and what to do.
  public var message: String

  /// `path:line:column: error: message`.
  public var description: String {
    "\(path):\(location.line):\(location.column): \(severity.rawValue): \(message)"
  }

  public static func < (lhs: CodebookDiagnostic, rhs: CodebookDiagnostic)
    -> Bool
  {
    (lhs.location, lhs.severity == .error ? 0 : 1, lhs.message)
      < (rhs.location, rhs.severity == .error ? 0 : 1, rhs.message)
  }
}

/// Why a codebook could not be loaded.
public enum CodebookError: Error, Sendable, CustomStringConvertible {
  /// The file does not exist or is a directory.
  case missingFile(path: String)
  /// The file has errors; each diagnostic says where.
  case invalid([CodebookDiagnostic])

  public var description: String {
    switch self {
    case .missingFile(let path): return "\(path): error: no such codebook file"
    case .invalid(let diagnostics):
      return diagnostics.filter { $0.severity == .error }.map(\.description)
        .joined(separator: "\n")
    }
  }
}
