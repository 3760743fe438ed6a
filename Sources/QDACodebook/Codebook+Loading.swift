import Crypto
import Foundation
import Yams

extension Codebook {
  /// Loads and validates a codebook file.
  ///
  /// - Parameter path: The YAML file.
  /// - Returns: The codebook.
  /// - Throws: `CodebookError.missingFile`, or `.invalid` with every error found.
  public static func load(path: String) throws -> Codebook {
    let (codebook, diagnostics) = try lint(path: path)
    guard let codebook, !diagnostics.contains(where: { $0.severity == .error })
    else {
      throw CodebookError.invalid(diagnostics)
    }
    return codebook
  }

  /// Validates a codebook file and checks its examples against its rules.
  ///
  /// - Returns: The codebook when it has no errors, and every diagnostic,
  ///   errors and warnings, sorted by place.
  /// - Throws: `CodebookError.missingFile` when the file cannot be read.
  public static func lint(path: String) throws -> (
    Codebook?, [CodebookDiagnostic]
  ) {
    var isDirectory: ObjCBool = false
    guard
      FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      !isDirectory.boolValue,
      let data = FileManager.default.contents(atPath: path)
    else { throw CodebookError.missingFile(path: path) }
    guard let yaml = String(data: data, encoding: .utf8) else {
      let diagnostic = CodebookDiagnostic(
        path: path, location: SourceLocation(line: 1, column: 1),
        severity: .error,
        message: "the codebook is not valid UTF-8")
      return (nil, [diagnostic])
    }
    let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }
      .joined()
    return parse(yaml: yaml, path: path, contentHash: hash)
  }

  /// Parses and validates codebook YAML.
  ///
  /// - Parameters:
  ///   - yaml: The text.
  ///   - path: The file name used in diagnostics.
  ///   - contentHash: The hash to record; defaults to the SHA-256 of `yaml`.
  /// - Returns: The codebook when it has no errors, and every diagnostic.
  public static func parse(
    yaml: String, path: String, contentHash: String? = nil
  ) -> (Codebook?, [CodebookDiagnostic]) {
    let hash =
      contentHash
      ?? SHA256.hash(data: Array(yaml.utf8)).map { String(format: "%02x", $0) }
      .joined()
    var decoder = NodeDecoder(path: path)
    let root: Node?
    do {
      // Every value is read as text (`string(_:_:)`), so plain scalars are
      // not resolved to numbers or booleans: Yams's default resolver tries a
      // regular expression per type on each (a tenth of loading the study's
      // codebook).
      root = try Yams.compose(yaml: yaml, .basic)
    } catch let error as YamlError {
      decoder.report(error)
      return (nil, decoder.diagnostics)
    } catch {
      decoder.error(at: nil, "cannot read the YAML: \(error)")
      return (nil, decoder.diagnostics)
    }
    guard let root else {
      decoder.error(at: nil, "the codebook is empty")
      return (nil, decoder.diagnostics)
    }
    let codebook = decoder.codebook(root, contentHash: hash)
    var diagnostics = decoder.diagnostics
    if let codebook, !diagnostics.contains(where: { $0.severity == .error }) {
      diagnostics += codebook.checkExamples(path: path)
    }
    diagnostics.sort()
    return (
      diagnostics.contains { $0.severity == .error } ? nil : codebook,
      diagnostics
    )
  }

  /// Warns about examples the rules do not code as the codebook says.
  func checkExamples(path: String) -> [CodebookDiagnostic] {
    var diagnostics: [CodebookDiagnostic] = []
    for code in codes {
      for example in code.examples
      where firstMatch(
        of: code.qualifiedID, in: MatchableUnit(example: example.text)) == nil
      {
        diagnostics.append(
          CodebookDiagnostic(
            path: path, location: example.location, severity: .warning,
            message:
              "example of '\(code.qualifiedID)' is not coded by its rules"))
      }
      for example in code.counterexamples {
        if let match = firstMatch(
          of: code.qualifiedID, in: MatchableUnit(example: example.text))
        {
          diagnostics.append(
            CodebookDiagnostic(
              path: path, location: example.location, severity: .warning,
              message:
                "counterexample of '\(code.qualifiedID)' is coded by rule '\(match.rule)'"
            ))
        }
      }
    }
    return diagnostics
  }
}

/// Turns a YAML node tree into a ``Codebook``, collecting diagnostics with places.
struct NodeDecoder {
  let path: String
  var diagnostics: [CodebookDiagnostic] = []

  init(path: String) { self.path = path }

  mutating func error(at mark: Mark?, _ message: String) {
    diagnostics.append(
      CodebookDiagnostic(
        path: path, location: location(mark), severity: .error, message: message
      ))
  }

  func location(_ mark: Mark?) -> SourceLocation {
    SourceLocation(line: mark?.line ?? 1, column: mark?.column ?? 1)
  }

  mutating func report(_ error: YamlError) {
    switch error {
    case .scanner(_, let problem, let mark, _),
      .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      self.error(at: mark, "invalid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      self.error(
        at: context.mark,
        "duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", "))"
      )
    case .reader(let problem, _, _, _):
      self.error(at: nil, "invalid YAML: \(problem)")
    default:
      self.error(at: nil, "invalid YAML: \(error)")
    }
  }

  // MARK: - Generic readers

  /// Reads a mapping, checking for unknown, duplicate and missing keys.
  mutating func mapping(
    _ node: Node, _ what: String, allowed: [String], required: [String]
  ) -> [String: Node]? {
    guard case .mapping(let mapping) = node else {
      error(at: node.mark, "\(what) must be a mapping")
      return nil
    }
    var result: [String: Node] = [:]
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else {
        error(at: key.mark, "keys of \(what) must be plain names")
        continue
      }
      let name = scalar.string
      if !allowed.contains(name) {
        error(
          at: key.mark,
          "unknown field '\(name)' in \(what); expected one of \(allowed.sorted().map { "'\($0)'" }.joined(separator: ", "))"
        )
        continue
      }
      if result[name] != nil {
        error(at: key.mark, "duplicate field '\(name)' in \(what)")
        continue
      }
      result[name] = value
    }
    for name in required where result[name] == nil {
      error(at: node.mark, "\(what) is missing '\(name)'")
    }
    return result
  }

  mutating func string(_ node: Node?, _ what: String) -> String? {
    guard let node else { return nil }
    guard case .scalar(let scalar) = node else {
      error(at: node.mark, "\(what) must be text")
      return nil
    }
    let text = scalar.string.trimmingWhiteSpace(newlines: true)
    if text.isEmpty {
      error(at: node.mark, "\(what) is empty")
      return nil
    }
    return text
  }

  /// Reads a list of texts; a single text is a list of one.
  mutating func strings(_ node: Node?, _ what: String) -> [(String, Mark?)] {
    guard let node else { return [] }
    switch node {
    case .scalar:
      return string(node, what).map { [($0, node.mark)] } ?? []
    case .sequence(let sequence):
      return sequence.compactMap { item in
        string(item, "an item of \(what)").map { ($0, item.mark) }
      }
    default:
      error(at: node.mark, "\(what) must be a list of texts")
      return []
    }
  }

  mutating func sequence(_ node: Node?, _ what: String) -> [Node] {
    guard let node else { return [] }
    guard case .sequence(let sequence) = node else {
      error(at: node.mark, "\(what) must be a list")
      return []
    }
    return Array(sequence)
  }

  mutating func identifier(_ node: Node?, _ what: String) -> String? {
    guard let id = string(node, what) else { return nil }
    let isValid =
      id.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
          || $0 == "_"
      } && id.first.map { $0.isLetter || $0.isNumber } == true
    if !isValid {
      error(
        at: node?.mark,
        "\(what) '\(id)' must use lowercase letters, digits, '-' and '_'")
      return nil
    }
    return id
  }

  // MARK: - Codebook structure

  mutating func codebook(_ node: Node, contentHash: String) -> Codebook? {
    guard
      let fields = mapping(
        node, "the codebook",
        allowed: [
          "id", "title", "version", "languages", "description", "themes",
        ],
        required: ["id", "title", "version", "themes"])
    else { return nil }
    let id = identifier(fields["id"], "codebook id")
    let title = string(fields["title"], "title")
    let version = string(fields["version"], "version")
    let languages = strings(fields["languages"], "languages").map(\.0)
    let description = string(fields["description"], "description")
    var themes: [Theme] = []
    var themeIDs: [String: Mark?] = [:]
    var ruleIDs: [String: Mark?] = [:]
    let themeNodes = sequence(fields["themes"], "themes")
    if fields["themes"] != nil, themeNodes.isEmpty {
      error(at: fields["themes"]?.mark, "the codebook has no themes")
    }
    for themeNode in themeNodes {
      guard
        let theme = theme(themeNode, languages: languages, ruleIDs: &ruleIDs)
      else { continue }
      if themeIDs[theme.id] != nil {
        error(at: themeNode.mark, "duplicate theme id '\(theme.id)'")
        continue
      }
      themeIDs[theme.id] = themeNode.mark
      themes.append(theme)
    }
    guard let id, let title, let version else { return nil }
    return Codebook(
      id: id, title: title, version: version, languages: languages,
      description: description,
      themes: themes, contentHash: contentHash)
  }

  mutating func theme(
    _ node: Node, languages: [String], ruleIDs: inout [String: Mark?]
  ) -> Theme? {
    guard
      let fields = mapping(
        node, "a theme",
        allowed: ["id", "name", "definition", "description", "codes"],
        required: ["id", "name", "definition", "codes"])
    else { return nil }
    let id = identifier(fields["id"], "theme id")
    let name = string(fields["name"], "theme name")
    let definition = string(fields["definition"], "theme definition")
    var codes: [Code] = []
    var codeIDs = Set<String>()
    let codeNodes = sequence(fields["codes"], "codes")
    if fields["codes"] != nil, codeNodes.isEmpty {
      error(at: fields["codes"]?.mark, "theme '\(id ?? "?")' has no codes")
    }
    for codeNode in codeNodes {
      // Rule ids of a code that turns out to be a duplicate are not kept, so
      // its default rule ids do not report a second, derived error.
      var candidateRuleIDs = ruleIDs
      guard
        let code = code(
          codeNode, themeID: id ?? "?", languages: languages,
          ruleIDs: &candidateRuleIDs)
      else { continue }
      if !codeIDs.insert(code.id).inserted {
        error(at: codeNode.mark, "duplicate code id '\(code.qualifiedID)'")
        continue
      }
      ruleIDs = candidateRuleIDs
      codes.append(code)
    }
    guard let id, let name, let definition else { return nil }
    return Theme(id: id, name: name, definition: definition, codes: codes)
  }

  mutating func code(
    _ node: Node, themeID: String, languages: [String],
    ruleIDs: inout [String: Mark?]
  ) -> Code? {
    guard
      let fields = mapping(
        node, "a code",
        allowed: [
          "id", "name", "definition", "include", "exclude", "examples",
          "counterexamples",
          "rules",
        ],
        required: ["id", "name", "definition", "rules"])
    else { return nil }
    let id = identifier(fields["id"], "code id")
    let name = string(fields["name"], "code name")
    let definition = string(fields["definition"], "code definition")
    let include = string(fields["include"], "include")
    let exclude = string(fields["exclude"], "exclude")
    let examples = self.examples(fields["examples"], "examples")
    let counterexamples = self.examples(
      fields["counterexamples"], "counterexamples")
    let qualified = themeID + "." + (id ?? "?")
    var rules: [Rule] = []
    let ruleNodes = sequence(fields["rules"], "rules")
    if fields["rules"] != nil, ruleNodes.isEmpty {
      error(at: fields["rules"]?.mark, "code '\(qualified)' has no rules")
    }
    for (index, ruleNode) in ruleNodes.enumerated() {
      guard
        let rule = rule(
          ruleNode, defaultID: "\(qualified)#\(index + 1)", languages: languages
        )
      else { continue }
      if ruleIDs[rule.id] != nil {
        // A default id repeats only when the code id does, which is reported.
        if rule.id != "\(qualified)#\(index + 1)" {
          error(at: ruleNode.mark, "duplicate rule id '\(rule.id)'")
        }
        continue
      }
      ruleIDs[rule.id] = ruleNode.mark
      rules.append(rule)
    }
    guard let id, let name, let definition else { return nil }
    return Code(
      id: id, themeID: themeID, name: name, definition: definition,
      include: include,
      exclude: exclude, examples: examples, counterexamples: counterexamples,
      rules: rules)
  }

  mutating func examples(_ node: Node?, _ what: String) -> [Example] {
    sequence(node, what).compactMap { item in
      if case .scalar = item {
        return string(item, "an example").map {
          Example(text: $0, language: nil, location: location(item.mark))
        }
      }
      guard
        let fields = mapping(
          item, "an example", allowed: ["text", "language"], required: ["text"]),
        let text = string(fields["text"], "example text")
      else { return nil }
      return Example(
        text: text, language: string(fields["language"], "language"),
        location: location(item.mark))
    }
  }

  mutating func rule(_ node: Node, defaultID: String, languages: [String])
    -> Rule?
  {
    guard
      let fields = mapping(
        node, "a rule",
        allowed: [
          "id", "language", "fields", "kinds", "roles", "attributes", "any",
          "all", "not", "unless",
        ],
        required: [])
    else { return nil }
    let id = fields["id"] == nil ? defaultID : string(fields["id"], "rule id")
    let language = string(fields["language"], "language")
    if let language, !languages.isEmpty, !languages.contains(language) {
      error(
        at: fields["language"]?.mark,
        "language '\(language)' is not among the codebook's languages (\(languages.map { "'\($0)'" }.joined(separator: ", ")))"
      )
    }
    func list(_ key: String) -> [String]? {
      fields[key] == nil ? nil : strings(fields[key], key).map(\.0)
    }
    let scopeFields = list("fields")
    let kinds = list("kinds")
    let roles = list("roles")
    let attributes = self.attributes(fields["attributes"])
    let any = patterns(fields["any"], "any")
    let all = patterns(fields["all"], "all")
    let not = patterns(fields["not"], "not")
    let unless = patterns(fields["unless"], "unless")
    if fields["any"] == nil, fields["all"] == nil, fields["attributes"] == nil {
      error(
        at: node.mark,
        "rule '\(id ?? defaultID)' has neither 'any' nor 'all' patterns nor 'attributes'"
      )
      return nil
    }
    guard let id else { return nil }
    var rule = Rule(
      id: id, language: language, fields: scopeFields, kinds: kinds,
      roles: roles, any: any,
      all: all, not: not, unless: unless, location: location(node.mark))
    rule.attributes = attributes
    return rule
  }

  /// Reads a rule's `attributes`: a mapping of attribute names to a value or
  /// a list of values.
  mutating func attributes(_ node: Node?) -> [AttributeCondition] {
    guard let node else { return [] }
    guard case .mapping(let mapping) = node, !mapping.isEmpty else {
      error(
        at: node.mark,
        "'attributes' must map attribute names to values, as 'hour: [0, 1, 2]'"
      )
      return []
    }
    var conditions: [AttributeCondition] = []
    for (key, value) in mapping {
      guard case .scalar = key else {
        error(at: key.mark, "attribute names must be plain names")
        continue
      }
      guard let name = string(key, "an attribute name") else { continue }
      if case .sequence(let items) = value, items.isEmpty {
        error(at: value.mark, "attribute '\(name)' lists no values")
        continue
      }
      let values = strings(value, "attribute '\(name)'").map(\.0)
      if values.isEmpty { continue }
      conditions.append(AttributeCondition(name: name, values: values))
    }
    return conditions
  }

  mutating func patterns(_ node: Node?, _ what: String) -> [Pattern] {
    strings(node, what).compactMap { source, mark in
      do {
        return try Pattern(source)
      } catch {
        self.error(at: mark, "\(error) in '\(what)'")
        return nil
      }
    }
  }
}
