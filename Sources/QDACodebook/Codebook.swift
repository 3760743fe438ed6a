/// A theme codebook: themes, their codes, and the rules that auto-code them.
///
/// A codebook is written in YAML (see the Codebook Format article) and loaded
/// with ``Codebook/load(path:)`` or ``Codebook/parse(yaml:path:)``, which also
/// validate it.
///
/// ```swift
/// let codebook = try Codebook.load(path: "Codebooks/web-outreach.yml")
/// for code in codebook.codes { print(code.qualifiedID, code.name) }
/// ```
///
/// ## Topics
/// - ``Theme``
/// - ``Code``
/// - ``Rule``
public struct Codebook: Sendable {
  /// The codebook's identifier, such as `web-outreach`.
  public var id: String
  /// A human title.
  public var title: String
  /// The codebook's version as written, such as `1.0.0`.
  public var version: String
  /// The languages the rules cover, such as `[en, ru]`.
  public var languages: [String]
  /// An optional longer description.
  public var description: String?
  /// The themes, in codebook order.
  public var themes: [Theme] {
    didSet { matcher = Self.matcher(themes) }
  }
  /// The SHA-256 of the codebook file's bytes, lowercase hex.
  public var contentHash: String
  /// The rules, compiled for ``apply(to:)``.
  private(set) var matcher: CodebookMatcher

  init(
    id: String, title: String, version: String, languages: [String],
    description: String?, themes: [Theme], contentHash: String
  ) {
    self.id = id
    self.title = title
    self.version = version
    self.languages = languages
    self.description = description
    self.themes = themes
    self.contentHash = contentHash
    matcher = Self.matcher(themes)
  }

  /// The matcher of the themes' codes.
  private static func matcher(_ themes: [Theme]) -> CodebookMatcher {
    let codes = themes.flatMap(\.codes)
    return CodebookMatcher(
      codes: codes.map(\.rules), ids: codes.map(\.qualifiedID))
  }

  /// Every code of every theme, in codebook order.
  public var codes: [Code] { themes.flatMap(\.codes) }

  /// The code with a qualified id (`theme.code`), if any.
  public func code(_ qualifiedID: String) -> Code? {
    codes.first { $0.qualifiedID == qualifiedID }
  }
}

/// A theme: a named group of codes.
public struct Theme: Sendable {
  /// The theme id, such as `hybrid`.
  public var id: String
  /// The theme's name, such as "Needs met partly online, partly offline".
  public var name: String
  /// What the theme is about.
  public var definition: String
  /// The codes, in codebook order.
  public var codes: [Code]
}

/// A code: a category applied to units, with its definition and rules.
public struct Code: Sendable {
  /// The code id within its theme, such as `overdose`.
  public var id: String
  /// The id of the theme the code belongs to.
  public var themeID: String
  /// The code's name.
  public var name: String
  /// What the code means.
  public var definition: String
  /// When to apply the code.
  public var include: String?
  /// When not to apply it, even if it looks like it applies.
  public var exclude: String?
  /// Texts the rules must code with this code.
  public var examples: [Example]
  /// Texts the rules must not code with this code.
  public var counterexamples: [Example]
  /// The rules that auto-code this code; any rule that fires applies it.
  public var rules: [Rule]

  /// The id qualified by its theme: `hybrid.overdose`.
  public var qualifiedID: String { themeID + "." + id }
}

/// An example text of a code, positive or negative.
public struct Example: Sendable {
  /// The text.
  public var text: String
  /// Its language, if given.
  public var language: String?
  /// Where the example is written in the codebook, for diagnostics.
  public var location: SourceLocation
}

/// A place in a file: 1-based line and column.
public struct SourceLocation: Sendable, Equatable, Comparable {
  /// The line, from 1.
  public var line: Int
  /// The column, from 1, counted in Unicode scalars.
  public var column: Int

  /// Creates a location.
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }
}
