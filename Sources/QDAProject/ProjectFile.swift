import Foundation
import Yams

/// A `qda.yml` project file.
///
/// It names the inputs, the codebook, the coders' files, the outputs and the
/// quality gates of an analysis. Paths are relative to the file.
///
/// See the Project File article for every field.
public struct ProjectFile: Decodable, Sendable {
  /// The database (default `qda.sqlite`).
  public var database: String?
  /// The codebook.
  public var codebook: String
  /// The data files.
  public var sources: [Source]
  /// Coders whose manual codings live in CSV files (`unit,code[,memo]`), by name.
  public var coders: [String: String]?
  /// The files `qda run` writes.
  public var outputs: [Output]?
  /// The quality gates `qda check` applies.
  public var gates: Gates?

  /// A data file or a glob of them.
  public struct Source: Decodable, Sendable {
    /// Work-report CSV files (a path or a glob).
    public var reports: String?
    /// Transcript files (a path or a glob).
    public var transcripts: String?
    /// Telegram chat exports (a path or a glob).
    public var telegram: String?
    /// The source name of a work-report file or a chat.
    public var name: String?
    public var idColumn: String?
    public var dateColumn: String?
    public var textColumns: [String]?
    public var delimiter: String?
    public var encoding: String?
    public var keepIdentifiers: Bool?
    /// Speaker roles of transcripts.
    public var roles: [String: String]?
    /// The transcript format (default: by extension).
    public var format: String?
    /// The text field of a chat's messages (default `text`).
    public var textField: String?
    /// The chat to read of a whole-account Telegram export: its id or name.
    public var chat: String?

    enum CodingKeys: String, CodingKey {
      case reports, transcripts, telegram, name, delimiter, encoding, roles
      case format, chat
      case textField = "text_field"
      case idColumn = "id_column"
      case dateColumn = "date_column"
      case textColumns = "text_columns"
      case keepIdentifiers = "keep_identifiers"
    }
  }

  /// A file `qda run` writes.
  public struct Output: Decodable, Sendable {
    /// What: freq, crosstab, cooccur, tallies, agree, units, codings, report, qdc, qdpx.
    public var type: String
    /// Where.
    public var path: String
    /// The format: table, csv, json, markdown (report: html, markdown).
    public var format: String?
    /// For freq: code, theme, month, speaker, role or an attribute.
    public var by: String?
    /// For crosstab: month, coder, speaker, role or an attribute.
    public var cols: String?
    /// For freq: unit or document.
    public var unit: String?
    /// Only units of this kind (case, turn).
    public var kind: String?
    /// Whose codings (default auto).
    public var coder: String?
    /// For agree, consensus and crosstab by coder.
    public var coders: [String]?
    /// For report.
    public var title: String?
  }

  /// Quality gates.
  public struct Gates: Decodable, Sendable {
    /// Minimum agreement per code between named coders.
    public var agreement: [AgreementGate]?
    /// The largest share (0–1) of units without any `auto` code.
    public var maxUncoded: Double?
    /// Only units of this kind count for `max_uncoded`.
    public var uncodedKind: String?
    /// Codes that must be applied at least once.
    public var mustOccur: [String]?

    enum CodingKeys: String, CodingKey {
      case agreement
      case maxUncoded = "max_uncoded"
      case uncodedKind = "uncoded_kind"
      case mustOccur = "must_occur"
    }
  }

  /// A minimum of agreement between coders.
  public struct AgreementGate: Decodable, Sendable {
    /// The coders compared.
    public var coders: [String]
    /// The minimum Cohen's (or Fleiss') kappa of every code.
    public var minKappa: Double?
    /// The minimum Krippendorff's alpha of every code.
    public var minAlpha: Double?
    /// Only these codes (default: every code either coder used).
    public var codes: [String]?

    enum CodingKeys: String, CodingKey {
      case coders, codes
      case minKappa = "min_kappa"
      case minAlpha = "min_alpha"
    }
  }

  /// Reads a project file.
  ///
  /// - Throws: `ProjectError`.
  public static func load(path: String) throws -> ProjectFile {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ProjectError.missingFile(path: path)
    }
    let text = String(decoding: data, as: UTF8.self)
    do {
      if let problem = try unknownField(in: Yams.compose(yaml: text)) {
        throw ProjectError.invalid(path: path, message: problem)
      }
      return try YAMLDecoder().decode(ProjectFile.self, from: text)
    } catch let error as ProjectError {
      throw error
    } catch let error as DecodingError {
      throw ProjectError.invalid(path: path, message: describe(error))
    } catch {
      throw ProjectError.invalid(path: path, message: "\(error)")
    }
  }

  /// The fields each part of the file may have.
  static let fields: [String: Set<String>] = [
    "project": [
      "database", "codebook", "sources", "coders", "outputs", "gates",
    ],
    "source": [
      "reports", "transcripts", "telegram", "name", "id_column",
      "date_column", "text_columns", "delimiter",
      "encoding", "keep_identifiers", "roles", "format", "text_field", "chat",
    ],
    "output": [
      "type", "path", "format", "by", "cols", "unit", "kind", "coder", "coders",
      "title",
    ],
    "gates": ["agreement", "max_uncoded", "uncoded_kind", "must_occur"],
    "agreement": ["coders", "min_kappa", "min_alpha", "codes"],
  ]

  /// A message naming the first unknown field, with its line, if any.
  static func unknownField(in root: Node?) -> String? {
    func check(_ node: Node?, _ part: String) -> String? {
      guard case .mapping(let mapping)? = node, let allowed = fields[part]
      else { return nil }
      for (key, _) in mapping {
        guard let name = key.string, !allowed.contains(name) else { continue }
        let line = key.mark.map { "line \($0.line): " } ?? ""
        let place = part == "project" ? "the project" : "a \(part)"
        return "\(line)unknown field '\(name)' in \(place); expected one of "
          + allowed.sorted().map { "'\($0)'" }.joined(separator: ", ")
      }
      return nil
    }
    if let problem = check(root, "project") { return problem }
    guard case .mapping(let top)? = root else { return nil }
    for (key, value) in top {
      switch key.string {
      case "sources", "outputs":
        guard case .sequence(let items) = value else { continue }
        for item in items {
          if let problem = check(
            item, key.string == "sources" ? "source" : "output")
          {
            return problem
          }
        }
      case "gates":
        if let problem = check(value, "gates") { return problem }
        if case .mapping(let gates) = value, let agreement = gates["agreement"],
          case .sequence(let items) = agreement
        {
          for item in items {
            if let problem = check(item, "agreement") { return problem }
          }
        }
      default: continue
      }
    }
    return nil
  }

  static func describe(_ error: DecodingError) -> String {
    func place(_ path: [CodingKey]) -> String {
      path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(
        separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context):
      return
        "missing field '\(key.stringValue)' in \(place(context.codingPath).isEmpty ? "the project" : place(context.codingPath))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context),
      .dataCorrupted(let context):
      return "\(place(context.codingPath)): \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }
}

/// Problems with a project file or its run.
public enum ProjectError: Error, Sendable, CustomStringConvertible {
  /// No project file.
  case missingFile(path: String)
  /// The file is not a valid project.
  case invalid(path: String, message: String)
  /// A source glob matches no file.
  case noFiles(path: String, pattern: String)
  /// An output of an unknown type or format.
  case badOutput(path: String, output: String, message: String)

  public var description: String {
    switch self {
    case .missingFile(let path): return "\(path): error: no such project file"
    case .invalid(let path, let message): return "\(path): error: \(message)"
    case .noFiles(let path, let pattern):
      return "\(path): error: source '\(pattern)' matches no file"
    case .badOutput(let path, let output, let message):
      return "\(path): error: output '\(output)': \(message)"
    }
  }

  /// Whether the problem is a missing file (exit 66) rather than bad content (65).
  public var isMissingInput: Bool {
    if case .missingFile = self { return true }
    return false
  }
}
