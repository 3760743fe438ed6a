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
    if !unit.ignoresScope {
      if let kinds, !kinds.contains(unit.kind) { return nil }
      if let roles {
        guard let role = unit.role, roles.contains(role) else { return nil }
      } else if unit.role == Self.interviewerRole {
        // What interviewers ask is not data about the informants.
        return nil
      }
    }
    var scoped = unit.fields
    if let fields {
      if !unit.ignoresScope {
        scoped = (unit.fields + unit.context).filter {
          fields.contains($0.name)
        }
      } else if fields.allSatisfy(MatchableUnit.contextFieldNames.contains) {
        // A bare example has no question before it.
        return nil
      }
    }
    if scoped.isEmpty { return nil }
    for pattern in unless {
      for field in scoped
      where !unvetoed(pattern.matches(in: field), in: field).isEmpty {
        return nil
      }
    }
    var hit: RuleMatch?
    for pattern in all {
      guard let found = firstOccurrence(of: pattern, in: scoped) else {
        return nil
      }
      hit = hit ?? found
    }
    if !any.isEmpty {
      guard
        let found = any.lazy.compactMap({ firstOccurrence(of: $0, in: scoped) })
          .first
      else { return nil }
      hit = found
    }
    return hit
  }

  private func firstOccurrence(
    of pattern: Pattern, in fields: [MatchableUnit.Field]
  ) -> RuleMatch? {
    for field in fields {
      let matches = pattern.matches(in: field)
      if matches.isEmpty { continue }
      if let range = unvetoed(matches, in: field).first {
        return RuleMatch(rule: id, field: field.name, range: range)
      }
    }
    return nil
  }

  /// How many times the rule's `any` and `all` patterns occur in the unit
  /// (not counting vetoed occurrences), or 0 when the rule does not fire.
  public func hitCount(in unit: MatchableUnit) -> Int {
    guard evaluate(unit) != nil else { return 0 }
    var scoped = unit.fields
    if let fields {
      scoped = (unit.fields + unit.context).filter { fields.contains($0.name) }
    }
    return (any + all).reduce(0) { total, pattern in
      total
        + scoped.reduce(0) {
          $0 + unvetoed(pattern.matches(in: $1), in: $1).count
        }
    }
  }

  /// The occurrences that no `not` occurrence overlaps.
  private func unvetoed(_ matches: [Range<Int>], in field: MatchableUnit.Field)
    -> [Range<Int>]
  {
    guard !matches.isEmpty, !not.isEmpty else { return matches }
    let vetoes = not.flatMap { $0.matches(in: field) }
    return matches.filter { range in !vetoes.contains { $0.overlaps(range) } }
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
    /// The anchors of the codebook applying its rules that the text holds.
    var anchors: AnchorSet?

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
    rules.reduce(0) { $0 + $1.hitCount(in: unit) }
  }

  /// Applies the code's rules in order; the first that fires codes the unit.
  public func evaluate(_ unit: MatchableUnit) -> RuleMatch? {
    for rule in rules {
      if let match = rule.evaluate(unit) { return match }
    }
    return nil
  }
}

extension Codebook {
  /// Every code whose rules fire on the unit, in codebook order.
  public func apply(to unit: MatchableUnit) -> [(code: Code, match: RuleMatch)]
  {
    let matcher = matcher
    let (unit, present) = matcher.prepare(unit)
    let candidates = matcher.candidates(present)
    var result: [(code: Code, match: RuleMatch)] = []
    for code in matcher.codes.indices {
      for rule in matcher.ruleRanges[code]
      where candidates.contains(Int32(rule)) && matcher.mayFire(rule, present) {
        if let match = matcher.rules[rule].evaluate(unit) {
          result.append((matcher.codes[code], match))
          break
        }
      }
    }
    return result
  }
}

extension Codebook {
  /// How many times a code's rules hit the unit (see ``Code/hitCount(in:)``),
  /// by the codebook's compiled rules; 0 for a code it lacks.
  public func hitCount(of code: String, in unit: MatchableUnit) -> Int {
    let matcher = matcher
    guard
      let index = matcher.codes.firstIndex(where: { $0.qualifiedID == code })
    else { return 0 }
    let (unit, _) = matcher.prepare(unit)
    return matcher.ruleRanges[index].reduce(0) {
      $0 + matcher.rules[$1].hitCount(in: unit)
    }
  }
}

/// A codebook's rules, bound to one ``AnchorTable`` and screened by it.
///
/// The anchors present in a unit name the rules that can fire (each anchor
/// lists the rules that need it), so the cost per unit follows the words it
/// has, not the number of rules. A candidate is then screened by a flat list
/// of anchor ids: every `all` pattern and some `any` pattern must have its
/// words somewhere in the unit. Only the rules that pass are evaluated.
struct CodebookMatcher: Sendable {
  /// Every anchor of every pattern.
  let table: AnchorTable
  /// The codes in codebook order.
  let codes: [Code]
  /// Every rule of every code, in order, its patterns bound to `table`.
  let rules: [Rule]
  /// The rules of `codes[i]`: `rules[ruleRanges[i]]`.
  let ruleRanges: [Range<Int>]
  /// The screens of the rules, one after the other, from `screenStart[r]`.
  ///
  /// A rule's screen holds the number of `all` patterns and each one's
  /// requirements, then the number of `any` patterns and each one's. A
  /// pattern's requirements are their length (so a screen can skip them),
  /// the number of groups, and each group's number of ids followed by the ids.
  private let screens: [Int32]
  private let screenStart: [Int]
  /// The rules that need anchor `a`: `anchorRules[anchorRuleStart[a]..<anchorRuleStart[a + 1]]`.
  private let anchorRules: [Int32]
  private let anchorRuleStart: [Int]
  /// The rules that need no anchor (a regular expression can fire them).
  private let unanchoredRules: [Int32]

  init(themes: [Theme]) {
    let codes = themes.flatMap(\.codes)
    let patterns = codes.flatMap(\.rules).flatMap {
      $0.any + $0.all + $0.not + $0.unless
    }
    let table = AnchorTable(patterns: patterns)
    var rules: [Rule] = []
    var ruleRanges: [Range<Int>] = []
    var screens: [Int32] = []
    var screenStart: [Int] = []
    var rulesOfAnchor = [[Int32]](repeating: [], count: table.count)
    var unanchoredRules: [Int32] = []
    func append(_ patterns: [Pattern]) {
      screens.append(Int32(patterns.count))
      for pattern in patterns {
        let groups = pattern.boundRequirements?.groups ?? []
        // The pattern's length first, so that a screen can skip it.
        screens.append(Int32(groups.reduce(1) { $0 + 1 + $1.count }))
        screens.append(Int32(groups.count))
        for group in groups {
          screens.append(Int32(group.count))
          screens.append(contentsOf: group)
        }
      }
    }
    for code in codes {
      let first = rules.count
      for var rule in code.rules {
        rule.any = rule.any.map { $0.bound(to: table) }
        rule.all = rule.all.map { $0.bound(to: table) }
        rule.not = rule.not.map { $0.bound(to: table) }
        rule.unless = rule.unless.map { $0.bound(to: table) }
        screenStart.append(screens.count)
        append(rule.all)
        append(rule.any)
        let ruleIndex = Int32(rules.count)
        let groups = { (pattern: Pattern) in
          pattern.boundRequirements?.groups ?? []
        }
        // Anchored: an `all` pattern needs a word, or every `any` pattern does.
        let isAnchored =
          rule.all.contains { !groups($0).isEmpty }
          || (!rule.any.isEmpty && rule.any.allSatisfy { !groups($0).isEmpty })
        if isAnchored {
          let ids = Set((rule.all + rule.any).flatMap(groups).joined())
          for id in ids { rulesOfAnchor[Int(id)].append(ruleIndex) }
        } else {
          unanchoredRules.append(ruleIndex)
        }
        rules.append(rule)
      }
      ruleRanges.append(first..<rules.count)
    }
    self.table = table
    self.codes = codes
    self.rules = rules
    self.ruleRanges = ruleRanges
    self.screens = screens
    self.screenStart = screenStart
    self.anchorRules = Array(rulesOfAnchor.joined())
    self.anchorRuleStart = rulesOfAnchor.reduce(into: [0]) {
      $0.append(($0.last ?? 0) + $1.count)
    }
    self.unanchoredRules = unanchoredRules
  }

  /// The unit with the anchors of each field found, and all of them.
  func prepare(_ unit: MatchableUnit) -> (MatchableUnit, AnchorSet) {
    var unit = unit
    var present = AnchorSet(table: ObjectIdentifier(table), count: table.count)
    for index in unit.fields.indices {
      let anchors = table.anchors(in: unit.fields[index].index)
      present.formUnion(anchors)
      unit.fields[index].anchors = anchors
    }
    for index in unit.context.indices {
      let anchors = table.anchors(in: unit.context[index].index)
      present.formUnion(anchors)
      unit.context[index].anchors = anchors
    }
    return (unit, present)
  }

  /// The rules that can fire on a unit holding the anchors `present`.
  func candidates(_ present: AnchorSet) -> RuleSet {
    var candidates = RuleSet(count: rules.count)
    for rule in unanchoredRules { candidates.insert(rule) }
    present.forEachID { anchor in
      for index in anchorRuleStart[
        Int(anchor)]..<anchorRuleStart[Int(anchor) + 1]
      {
        candidates.insert(anchorRules[index])
      }
    }
    return candidates
  }

  /// Whether rule `rule` can fire on a unit holding the anchors `present`.
  func mayFire(_ rule: Int, _ present: AnchorSet) -> Bool {
    screens.withUnsafeBufferPointer { screen in
      /// Whether the pattern whose requirements start at `at` may occur.
      func mayOccur(_ at: Int) -> Bool {
        var at = at
        let groups = Int(screen[at])
        at += 1
        for _ in 0..<groups {
          let count = Int(screen[at])
          at += 1
          var found = false
          for offset in 0..<count where present.contains(screen[at + offset]) {
            found = true
            break
          }
          if !found { return false }
          at += count
        }
        return true
      }
      var at = screenStart[rule]
      let allCount = Int(screen[at])
      at += 1
      for _ in 0..<allCount {
        if !mayOccur(at + 1) { return false }
        at += 1 + Int(screen[at])
      }
      let anyCount = Int(screen[at])
      at += 1
      if anyCount == 0 { return true }
      for _ in 0..<anyCount {
        if mayOccur(at + 1) { return true }
        at += 1 + Int(screen[at])
      }
      return false
    }
  }

}

/// A set of rule indices, as bits.
struct RuleSet {
  private var bits: [UInt64]

  init(count: Int) { bits = [UInt64](repeating: 0, count: (count + 63) / 64) }

  @inline(__always)
  mutating func insert(_ rule: Int32) {
    bits[Int(rule) >> 6] |= 1 << UInt64(rule & 63)
  }

  @inline(__always)
  func contains(_ rule: Int32) -> Bool {
    bits[Int(rule) >> 6] & (1 << UInt64(rule & 63)) != 0
  }
}
