/// A rule that auto-codes a code: patterns to find, and patterns that veto.
///
/// A rule fires on a unit when
/// - the unit's kind is one of ``kinds`` and its speaker's role one of
///   ``roles`` (when they are given); turns of the `interviewer` are coded
///   only by rules whose `roles` name it,
/// - every pattern of ``all`` occurs in the rule's fields,
/// - some pattern of ``any`` occurs (when `any` is given),
/// - no pattern of ``unless`` occurs anywhere in the rule's fields.
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

/// Where a rule fired: the rule, the field and the matched span.
public struct RuleMatch: Sendable, Equatable {
  /// The rule's id.
  public var rule: String
  /// The field where the match is.
  public var field: String
  /// The span, in Unicode scalar offsets of the field's text.
  public var range: Range<Int>
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
    kind: String, role: String? = nil, texts: [(name: String, text: String)]
  ) {
    self.kind = kind
    self.role = role
    self.fields = texts.map { Field(name: $0.name, index: TextIndex($0.text)) }
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
    matcher.apply(to: unit).map { (matcher.codeIDs[$0.code], $0.match) }
  }

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
