/// A rule that auto-codes a code: patterns to find, and patterns that veto.
///
/// A rule fires on a unit when
/// - the unit's kind is one of ``kinds`` and its speaker's role one of
///   ``roles`` (when they are given); turns of the `interviewer` are coded
///   only by rules whose `roles` name it,
/// - each attribute of ``attributes`` has one of the values listed for it
///   (a message's `hour` is one of 0…5, its `media` is `voice_message`),
/// - every pattern of ``all`` occurs in the rule's fields,
/// - some pattern of ``any`` occurs (when `any` is given),
/// - no pattern of ``unless`` occurs anywhere in the rule's fields.
///
/// A rule of attributes alone, without `any` or `all`, fires on every unit
/// its scope and attributes admit, and its coding is of the whole unit (no
/// field, no span): a voice message has no text to point into.
///
/// An occurrence (of `any`, `all` or `unless`) that overlaps an occurrence of
/// a ``not`` pattern in the same field does not count: `not: ["no abscess*"]` keeps "no abscess" from
/// firing `abscess*`, while "an abscess, no fever" still fires it.
public struct Rule: Sendable {
  /// The rule's id, recorded as the provenance of every coding it makes.
  public var id: String
  /// The language the rule is written for, if given.
  public var language: String?
  /// The text fields the rule reads; `nil` reads all of a unit's fields.
  public var fields: [String]?
  /// The unit kinds (`case`, `turn`) the rule applies to; `nil` for all.
  public var kinds: [String]?
  /// The speaker roles the rule applies to; `nil` for all but the interviewer.
  public var roles: [String]?

  /// The unit attributes the rule requires, each with one of its values;
  /// empty for none.
  public var attributes: [AttributeCondition] = []

  /// The role whose turns rules skip unless they name it.
  public static let interviewerRole = "interviewer"
  /// Patterns of which at least one must occur.
  public var any: [Pattern]
  /// Patterns that must all occur.
  public var all: [Pattern]
  /// Patterns whose occurrences cancel overlapping occurrences of `any`/`all`.
  public var not: [Pattern]
  /// Patterns whose occurrence anywhere keeps the rule from firing.
  public var unless: [Pattern]
  /// Where the rule is written, for diagnostics.
  public var location: SourceLocation

  /// Evaluates the rule on a unit.
  ///
  /// - Returns: Where it fired (the first occurrence of an `any` pattern, or
  ///   else of the first `all` pattern), or `nil`.
  public func evaluate(_ unit: MatchableUnit) -> RuleMatch? {
    CodebookMatcher(codes: [[self]]).evaluate(code: 0, in: unit)
  }

  /// How many times the rule's `any` and `all` patterns occur in the unit
  /// (not counting vetoed occurrences), or 0 when the rule does not fire.
  public func hitCount(in unit: MatchableUnit) -> Int {
    CodebookMatcher(codes: [[self]]).hitCount(code: 0, in: unit)
  }
}

/// A rule's condition on a unit attribute: the unit has the attribute, with
/// one of ``values``.
///
/// Values are compared as texts, but two whole numbers compare as numbers:
/// `hour: [0, 1, 2]` admits the hours `00`, `01` and `02` that a Telegram
/// import records.
public struct AttributeCondition: Sendable, Hashable {
  /// The attribute's name (`hour`, `media`, `channel`).
  public var name: String
  /// The values admitted.
  public var values: [String]

  /// Creates a condition.
  public init(name: String, values: [String]) {
    self.name = name
    self.values = values
  }

  /// The form in which values are compared: digits alone as the number
  /// they write (`05` as `5`), any other text as it is.
  static func key(_ value: String) -> String {
    let bytes = value.utf8
    guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
      return value
    }
    let significant = bytes.drop { $0 == 0x30 }
    if significant.count == bytes.count { return value }
    return significant.isEmpty ? "0" : String(Substring(significant))
  }
}

/// Where a rule fired: the rule, the field and the matched span.
public struct RuleMatch: Sendable, Equatable {
  /// The rule's id.
  public var rule: String
  /// The field where the match is; `nil` for a rule of attributes alone,
  /// which codes the whole unit.
  public var field: String?
  /// The span, in Unicode scalar offsets of the field's text; `nil` with
  /// ``field``.
  public var range: Range<Int>?
}

/// A code that fires on a unit, by numbers: ``RuleMatch`` for a coder of
/// many units on many threads.
///
/// The code and rule are numbered, not named: their names are the
/// codebook's strings, which every thread would share, and a copy of a
/// shared string taken on one core and let go of on another makes the
/// cores contend for its reference count. The names are in
/// ``Codebook/firingCodeIDs`` and ``Codebook/ruleIDs``.
public struct CodeFiring: Sendable, Equatable {
  /// The code's index in ``Codebook/firingCodeIDs``.
  public var code: Int
  /// The index of the rule that fired in ``Codebook/ruleIDs``.
  public var rule: Int
  /// The field where the match is (the unit's own name for it); `nil` for
  /// a rule of attributes alone.
  public var field: String?
  /// The span, in Unicode scalar offsets of the field's text; `nil` with
  /// ``field``.
  public var range: Range<Int>?

  /// Creates a firing.
  public init(code: Int, rule: Int, field: String?, range: Range<Int>?) {
    self.code = code
    self.rule = rule
    self.field = field
    self.range = range
  }
}

/// A unit as the rules see it: its kind, its speaker's role and its texts.
public struct MatchableUnit: Sendable {
  /// A named text field, prepared for matching.
  public struct Field: Sendable {
    /// The field's name (`request`, `services`, `text`).
    public var name: String
    /// The prepared text.
    public var index: TextIndex
    /// The text's words numbered by the table of the codebook applying its
    /// rules.
    var prepared: PreparedText?

    /// Creates a field.
    public init(name: String, index: TextIndex) {
      self.name = name
      self.index = index
    }
  }

  /// The unit kind, `case` or `turn`.
  public var kind: String
  /// The speaker's role, for turns.
  public var role: String?
  /// The unit's attributes (`channel`, `hour`, `media`), as far as rules
  /// read them: those that ``Codebook/attributeNames`` lists.
  public var attributes: [(name: String, value: String)] = []
  /// The text fields.
  public var fields: [Field]
  /// Texts around the unit that rules read only when their `fields` name
  /// them: `question`, the interviewer turn just before a turn.
  public var context: [Field] = []

  /// The names of context fields.
  public static let contextFieldNames: Set = ["question"]
  /// Whether kind, role and field restrictions of rules are ignored
  /// (for codebook examples, which are bare texts).
  public var ignoresScope = false

  /// Prepares a unit for matching.
  public init(
    kind: String, role: String? = nil, texts: [(name: String, text: String)],
    attributes: [(name: String, value: String)] = []
  ) {
    self.kind = kind
    self.role = role
    self.attributes = attributes
    self.fields = texts.map { Field(name: $0.name, index: TextIndex($0.text)) }
  }

  /// A unit of fields already prepared.
  public init(
    kind: String, role: String? = nil, fields: [Field],
    attributes: [(name: String, value: String)] = []
  ) {
    self.kind = kind
    self.role = role
    self.attributes = attributes
    self.fields = fields
  }

  /// Prepares a transcript turn, with the interviewer's question before it
  /// as the `question` context field.
  public static func turn(text: String, role: String?, question: String?)
    -> MatchableUnit
  {
    var unit = MatchableUnit(kind: "turn", role: role, texts: [("text", text)])
    if let question {
      unit.context = [Field(name: "question", index: TextIndex(question))]
    }
    return unit
  }

  /// Prepares a bare example text, to which every rule applies.
  public init(example: String) {
    self.init(kind: "example", texts: [("text", example)])
    ignoresScope = true
  }
}

extension Code {
  /// How many times the code's rules hit the unit: a measure of how densely
  /// the unit speaks to the code.
  public func hitCount(in unit: MatchableUnit) -> Int {
    CodebookMatcher(codes: [rules]).hitCount(code: 0, in: unit)
  }

  /// Applies the code's rules in order; the first that fires codes the unit.
  public func evaluate(_ unit: MatchableUnit) -> RuleMatch? {
    CodebookMatcher(codes: [rules]).evaluate(code: 0, in: unit)
  }
}

extension Codebook {
  /// The names of the unit attributes that some rule tests, sorted: what a
  /// unit's ``MatchableUnit/attributes`` must hold for the rules to see it
  /// whole.
  public var attributeNames: [String] {
    Set(codes.flatMap { $0.rules.flatMap { $0.attributes.map(\.name) } })
      .sorted()
  }

  /// Every code whose rules fire on the unit, in codebook order.
  public func apply(to unit: MatchableUnit) -> [(code: Code, match: RuleMatch)]
  {
    let fired = matcher.apply(to: unit)
    if fired.isEmpty { return [] }
    let codes = codes
    return fired.map { (codes[$0.code], $0.match) }
  }

  /// The qualified ids of the codes whose rules fire on the unit, in
  /// codebook order: ``apply(to:)`` without copying the codes, for coding
  /// many units at once.
  public func codeIDs(firingOn unit: MatchableUnit) -> [(
    code: String, match: RuleMatch
  )] {
    matcher.firings(on: unit).map {
      (matcher.codeIDs[$0.code], matcher.match(of: $0))
    }
  }

  /// The codes whose rules fire on the unit, in codebook order, by
  /// numbers: ``codeIDs(firingOn:)`` without a string of the codebook's,
  /// for coding many units on many threads (see ``CodeFiring``).
  public func firings(on unit: MatchableUnit) -> [CodeFiring] {
    matcher.firings(on: unit)
  }

  /// The qualified ids of the codes, by ``CodeFiring/code``: every code of
  /// every theme, in codebook order.
  public var firingCodeIDs: [String] { matcher.codeIDs }

  /// The ids of the rules, by ``CodeFiring/rule``: every rule of every
  /// code, in codebook order.
  public var ruleIDs: [String] { matcher.ruleIDs }

  /// Where the first of a code's rules that fires on the unit fired (see
  /// ``Code/evaluate(_:)``), every rule evaluated in full, without the
  /// screening by words that ``apply(to:)`` does; `nil` for a code it lacks.
  public func firstMatch(of code: String, in unit: MatchableUnit) -> RuleMatch?
  {
    guard let index = matcher.codeIDs.firstIndex(of: code) else { return nil }
    return matcher.evaluate(code: index, in: unit)
  }

  /// How many times a code's rules hit the unit (see ``Code/hitCount(in:)``),
  /// by the codebook's compiled rules; 0 for a code it lacks.
  public func hitCount(of code: String, in unit: MatchableUnit) -> Int {
    guard let index = matcher.codeIDs.firstIndex(of: code) else { return 0 }
    return matcher.hitCount(code: index, in: unit)
  }
}
