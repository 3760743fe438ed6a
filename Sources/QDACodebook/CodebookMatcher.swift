/// Rules compiled for matching: every pattern bound to one ``AnchorTable``,
/// and every rule, pattern and word program laid out in flat arrays of
/// integers.
///
/// The anchors present in a unit name the rules that can fire (each rule is
/// listed under the words of one group its firing needs), so the cost per
/// unit follows the words it has, not the number of rules. A candidate is then screened by its
/// patterns' requirements: every `all` pattern and some `any` pattern must
/// have its words somewhere in the unit. Only the rules that pass are
/// evaluated, by the semantics ``Rule`` documents.
///
/// Flat arrays are what make evaluation cheap on every core at once: a unit
/// is matched with integer comparisons on buffers taken once per unit, so the
/// threads coding units side by side never touch the reference counts of the
/// codebook's shared objects (on two cores, that contention once cost more
/// than the matching).
struct CodebookMatcher: Sendable {
  /// Every anchor of every pattern.
  let table: AnchorTable
  /// The rules of code `c`: `rules[ruleRanges[c]]`.
  let ruleRanges: [Range<Int>]
  /// The qualified id of code `c`, when given.
  let codeIDs: [String]
  private let program: RuleProgram

  /// Compiles rules, grouped by the code they apply, whose qualified ids
  /// are `ids` (when they are needed).
  init(codes: [[Rule]], ids: [String] = []) {
    codeIDs = ids
    let rules = codes.flatMap { $0 }
    let patterns = rules.flatMap { $0.any + $0.all + $0.not + $0.unless }
    let table = AnchorTable(patterns: patterns)
    self.table = table
    var start = 0
    ruleRanges = codes.map { rules in
      defer { start += rules.count }
      return start..<start + rules.count
    }
    program = RuleProgram(rules: rules, table: table)
  }

  /// The codes whose rules fire on the unit, in order, each with where its
  /// first firing rule fired.
  func apply(to unit: MatchableUnit) -> [(code: Int, match: RuleMatch)] {
    firings(on: unit).map { ($0.code, match(of: $0)) }
  }

  /// The codes whose rules fire on the unit, in order, each with where its
  /// first firing rule fired, by numbers: no string is shared with the
  /// codebook (see ``CodeFiring``).
  func firings(on unit: MatchableUnit) -> [CodeFiring] {
    let unit = program.prepare(unit)
    return program.withBuffers { buffers in
      let evaluator = Evaluator(buffers: buffers, unit: unit)
      let candidates = evaluator.candidates()
      var result: [CodeFiring] = []
      for (code, rules) in ruleRanges.enumerated() {
        // Scope first: it is a few comparisons, and a rule for another
        // kind of unit (an interview code, for a work report) is then
        // never screened by its words.
        for rule in rules
        where candidates.contains(Int32(rule)) && evaluator.applies(rule)
          && evaluator.mayFire(rule)
        {
          if let hit = evaluator.evaluateInScope(rule) {
            result.append(evaluator.firing(of: code, hit))
            break
          }
        }
      }
      return result
    }
  }

  /// The ids of the rules, by their number in ``CodeFiring/rule``.
  var ruleIDs: [String] { program.ruleIDs }

  /// A firing with its rule named.
  func match(of firing: CodeFiring) -> RuleMatch {
    RuleMatch(
      rule: program.ruleIDs[firing.rule], field: firing.field,
      range: firing.range)
  }

  /// Where the first of code `code`'s rules that fires on the unit fired,
  /// every rule evaluated in full (no screening).
  func evaluate(code: Int, in unit: MatchableUnit) -> RuleMatch? {
    let unit = program.prepare(unit)
    let hit = program.withBuffers { buffers in
      let evaluator = Evaluator(buffers: buffers, unit: unit)
      return ruleRanges[code].lazy.compactMap {
        evaluator.evaluate($0).map { evaluator.firing(of: code, $0) }
      }.first
    }
    return hit.map(match(of:))
  }

  /// How many times code `code`'s rules hit the unit.
  func hitCount(code: Int, in unit: MatchableUnit) -> Int {
    let unit = program.prepare(unit)
    return program.withBuffers { buffers in
      let evaluator = Evaluator(buffers: buffers, unit: unit)
      return ruleRanges[code].reduce(0) { $0 + evaluator.hitCount($1) }
    }
  }
}

/// A run of entries of ``RuleProgram/lists``.
private struct ListRef {
  var start: Int32
  /// How many entries, or -1 for a list not given (`kinds`, `roles`,
  /// `fields` of a rule that does not restrict them).
  var count: Int32

  static let absent = ListRef(start: 0, count: -1)
  var isGiven: Bool { count >= 0 }
  var range: Range<Int> { Int(start)..<Int(start) + max(0, Int(count)) }
}

/// A pattern's place in the flat arrays.
private struct PatternEntry {
  /// Its word program: `code[codeStart..<codeEnd]`, and the program's
  /// ``WordProgram/leads``: `leads[leadStart..<leadEnd]`.
  var codeStart: Int32
  var codeEnd: Int32
  var leadStart: Int32
  var leadEnd: Int32
  /// Its requirements, from `requirements[requirementStart]`: the number of
  /// groups, then each group as its number of words of the anchor bit set
  /// followed by their indices; `requirementMasks`, at the same positions,
  /// holds the group's bits in each word.
  var requirementStart: Int32
  /// Its index in `regexes` for a regular expression, else -1.
  var regex: Int32
}

/// An attribute condition's place in the flat arrays: the attribute's name
/// id and the ids of the values it admits (in ``RuleProgram/lists``).
private struct ConditionEntry {
  var name: Int32
  var values: ListRef
}

/// A rule's place in the flat arrays.
private struct RuleEntry {
  /// Name ids of the unit kinds, roles and fields the rule is limited to.
  var kinds: ListRef
  var roles: ListRef
  var fields: ListRef
  /// Its attribute conditions: `conditions[attributes.range]`.
  var attributes: ListRef
  /// Whether every field the rule names is a context field.
  var readsOnlyContext: Bool
  /// Pattern indices.
  var any: ListRef
  var all: ListRef
  var not: ListRef
  var unless: ListRef
}

/// A field of a ``PreparedUnit``.
private struct PreparedField {
  /// Its name, its text, and its text numbered.
  var name: String
  var text: TextIndex
  var prepared: PreparedText
  /// Its name's id, or -1 for a name no rule names.
  var nameID: Int32
}

/// A unit with its fields numbered by a program's table and names.
private struct PreparedUnit {
  /// The unit's own fields, then its context fields (one array, not one
  /// per property: each is made for every unit coded).
  var fields: [PreparedField]
  /// How many fields are the unit's own.
  var ownFieldCount: Int
  /// The name ids of the unit's kind and role (-1: a name no rule names).
  var kind: Int32
  var role: Int32
  var hasRole: Bool
  var isInterviewer: Bool
  var ignoresScope: Bool
  /// The unit's attributes that rules test, as (name id, value id); a
  /// value id of -1 for a value no rule admits.
  var attributes: [(name: Int32, value: Int32)]
  /// Every anchor of every field.
  var present: AnchorSet
}

/// The flat arrays: compiled once, shared by every thread, read through
/// buffers.
private final class RuleProgram: Sendable {
  let table: AnchorTable
  let code: [Int32]
  let leads: [UInt64]
  let requirements: [Int32]
  let requirementMasks: [UInt64]
  let patterns: [PatternEntry]
  let rules: [RuleEntry]
  let lists: [Int32]
  let conditions: [ConditionEntry]
  let regexes: [RegularExpression]
  let ruleIDs: [String]
  /// Ids of the kind, role, field and attribute names the rules name.
  let names: [String: Int32]
  /// Ids of the attribute names rules test.
  let attributeNames: Set<Int32>
  /// Ids of the attribute values rules admit, by ``AttributeCondition/key(_:)``.
  let values: [String: Int32]
  /// The rules that need anchor `a`:
  /// `anchorRules[anchorRuleStart[a]..<anchorRuleStart[a + 1]]`.
  let anchorRules: [Int32]
  let anchorRuleStart: [Int32]
  /// The rules that need no anchor (a regular expression can fire them).
  let unanchoredRules: [Int32]

  init(rules: [Rule], table: AnchorTable) {
    self.table = table
    var code: [Int32] = []
    var leads: [UInt64] = []
    var requirements: [Int32] = []
    var requirementMasks: [UInt64] = []
    var patterns: [PatternEntry] = []
    var lists: [Int32] = []
    var conditions: [ConditionEntry] = []
    var regexes: [RegularExpression] = []
    var names: [String: Int32] = [:]
    var values: [String: Int32] = [:]
    var rulesOfAnchor = [[Int32]](repeating: [], count: table.count)
    var unanchoredRules: [Int32] = []

    func nameID(_ name: String) -> Int32 {
      if let id = names[name] { return id }
      let id = Int32(names.count)
      names[name] = id
      return id
    }
    func list(_ values: [Int32]) -> ListRef {
      defer { lists += values }
      return ListRef(start: Int32(lists.count), count: Int32(values.count))
    }
    func nameList(_ values: [String]?) -> ListRef {
      values.map { list($0.map(nameID)) } ?? .absent
    }
    func valueID(_ value: String) -> Int32 {
      let key = AttributeCondition.key(value)
      if let id = values[key] { return id }
      let id = Int32(values.count)
      values[key] = id
      return id
    }
    func conditionList(_ attributes: [AttributeCondition]) -> ListRef {
      let start = Int32(conditions.count)
      for condition in attributes {
        conditions.append(
          ConditionEntry(
            name: nameID(condition.name),
            values: list(condition.values.map(valueID))))
      }
      return ListRef(start: start, count: Int32(attributes.count))
    }
    /// Compiles a pattern; returns its index and its requirement groups.
    func compile(_ pattern: Pattern) -> (Int32, [[Int32]]) {
      let bound = pattern.bound(to: table)
      let groups = bound.boundRequirements ?? []
      var entry = PatternEntry(
        codeStart: Int32(code.count), codeEnd: Int32(code.count),
        leadStart: Int32(leads.count), leadEnd: Int32(leads.count),
        requirementStart: Int32(requirements.count), regex: -1)
      switch bound.body {
      case .words: break  // never: binding compiles a word pattern
      case .boundWords(let words):
        code += words.code
        entry.codeEnd = Int32(code.count)
        leads += words.leads
        entry.leadEnd = Int32(leads.count)
      case .regex(let expression):
        entry.regex = Int32(regexes.count)
        regexes.append(expression)
      }
      // A group is met when any of its anchors is present: tested as
      // masks over the words of the anchor bit set, a word or two per
      // group (a pattern's anchors are numbered together), not bit by bit.
      // (The masks stay at the positions of the words they go with.)
      requirements.append(Int32(groups.count))
      requirementMasks.append(0)
      for group in groups {
        var masks: [Int32: UInt64] = [:]
        for id in group { masks[id >> 6, default: 0] |= 1 << UInt64(id & 63) }
        requirements.append(Int32(masks.count))
        requirementMasks.append(0)
        for (word, mask) in masks.sorted(by: { $0.key < $1.key }) {
          requirements.append(word)
          requirementMasks.append(mask)
        }
      }
      patterns.append(entry)
      return (Int32(patterns.count - 1), groups)
    }

    var entries: [RuleEntry] = []
    for (index, rule) in rules.enumerated() {
      let any = rule.any.map(compile)
      let all = rule.all.map(compile)
      let not = rule.not.map(compile)
      let unless = rule.unless.map(compile)
      entries.append(
        RuleEntry(
          kinds: nameList(rule.kinds), roles: nameList(rule.roles),
          fields: nameList(rule.fields),
          attributes: conditionList(rule.attributes),
          readsOnlyContext: rule.fields?.allSatisfy(
            MatchableUnit.contextFieldNames.contains) ?? false,
          any: list(any.map(\.0)), all: list(all.map(\.0)),
          not: list(not.map(\.0)), unless: list(unless.map(\.0))))
      // A rule is looked up by the words of one requirement group of a
      // pattern it cannot fire without: of an `all` pattern, or of every
      // `any` pattern. The group is the one whose commonest word is longest
      // ("overdose*" rather than "of" in "signs of .. overdose*"), so that
      // a unit holding only common words makes few rules candidates.
      func rarity(_ group: [Int32]) -> Int {
        group.map { table.lengths[Int($0)] }.min() ?? 0
      }
      func rarest(_ groups: [[Int32]]) -> [Int32]? {
        groups.max { rarity($0) < rarity($1) }
      }
      let keys: [Int32]?
      if let group = all.compactMap({ rarest($0.1) }).max(by: {
        rarity($0) < rarity($1)
      }) {
        keys = group
      } else if !any.isEmpty, any.allSatisfy({ !$0.1.isEmpty }) {
        keys = any.compactMap { rarest($0.1) }.flatMap { $0 }
      } else {
        keys = nil
      }
      if let keys {
        for id in Set(keys) { rulesOfAnchor[Int(id)].append(Int32(index)) }
      } else {
        unanchoredRules.append(Int32(index))
      }
    }
    self.code = code
    self.leads = leads
    self.requirements = requirements
    self.requirementMasks = requirementMasks
    self.patterns = patterns
    self.rules = entries
    self.lists = lists
    self.conditions = conditions
    self.regexes = regexes
    self.ruleIDs = rules.map(\.id)
    self.names = names
    self.attributeNames = Set(conditions.map(\.name))
    self.values = values
    self.anchorRules = Array(rulesOfAnchor.joined())
    self.anchorRuleStart = rulesOfAnchor.reduce(into: [0]) {
      $0.append(($0.last ?? 0) + Int32($1.count))
    }
    self.unanchoredRules = unanchoredRules
  }

  /// The unit with its fields numbered by the table and its names by `names`.
  func prepare(_ unit: MatchableUnit) -> PreparedUnit {
    var present = AnchorSet(table: ObjectIdentifier(table), count: table.count)
    var fields: [PreparedField] = []
    fields.reserveCapacity(unit.fields.count + unit.context.count)
    let own = unit.fields.count
    for index in 0..<own + unit.context.count {
      let field = index < own ? unit.fields[index] : unit.context[index - own]
      let prepared = table.prepare(field.index)
      present.formUnion(prepared.anchors)
      fields.append(
        PreparedField(
          name: field.name, text: field.index, prepared: prepared,
          nameID: names[field.name] ?? -1))
    }
    return PreparedUnit(
      fields: fields, ownFieldCount: unit.fields.count,
      kind: names[unit.kind] ?? -1, role: unit.role.flatMap { names[$0] } ?? -1,
      hasRole: unit.role != nil,
      isInterviewer: unit.role == Rule.interviewerRole,
      ignoresScope: unit.ignoresScope,
      attributes: attributeNames.isEmpty
        ? []
        : unit.attributes.compactMap { attribute in
          guard let name = names[attribute.name], attributeNames.contains(name)
          else { return nil }
          return (name, values[AttributeCondition.key(attribute.value)] ?? -1)
        },
      present: present)
  }

  /// Calls `body` with buffers over the arrays.
  func withBuffers<Result>(_ body: (Buffers) -> Result) -> Result {
    code.withUnsafeBufferPointer { code in
      leads.withUnsafeBufferPointer { leads in
        requirements.withUnsafeBufferPointer { requirements in
          requirementMasks.withUnsafeBufferPointer { requirementMasks in
            patterns.withUnsafeBufferPointer { patterns in
              rules.withUnsafeBufferPointer { rules in
                lists.withUnsafeBufferPointer { lists in
                  conditions.withUnsafeBufferPointer { conditions in
                    anchorRules.withUnsafeBufferPointer { anchorRules in
                      anchorRuleStart.withUnsafeBufferPointer {
                        anchorRuleStart in
                        unanchoredRules.withUnsafeBufferPointer {
                          unanchoredRules in
                          body(
                            Buffers(
                              program: self, code: code, leads: leads,
                              requirements: requirements,
                              requirementMasks: requirementMasks,
                              patterns: patterns, rules: rules, lists: lists,
                              conditions: conditions, anchorRules: anchorRules,
                              anchorRuleStart: anchorRuleStart,
                              unanchoredRules: unanchoredRules))
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/// The arrays of a ``RuleProgram``, borrowed.
private struct Buffers {
  unowned(unsafe) let program: RuleProgram
  let code: UnsafeBufferPointer<Int32>
  let leads: UnsafeBufferPointer<UInt64>
  let requirements: UnsafeBufferPointer<Int32>
  let requirementMasks: UnsafeBufferPointer<UInt64>
  let patterns: UnsafeBufferPointer<PatternEntry>
  let rules: UnsafeBufferPointer<RuleEntry>
  let lists: UnsafeBufferPointer<Int32>
  let conditions: UnsafeBufferPointer<ConditionEntry>
  let anchorRules: UnsafeBufferPointer<Int32>
  let anchorRuleStart: UnsafeBufferPointer<Int32>
  let unanchoredRules: UnsafeBufferPointer<Int32>
}

/// Where a rule fired, by numbers: the rule, the unit's field (-1 for a
/// rule of attributes alone) and the span in it.
///
/// Numbers, not the rule's id: that string is the codebook's, shared by
/// every thread that codes, and each copy of it taken on one core and let
/// go of on another passed its reference count between them.
private struct Hit {
  var rule: Int32
  var field: Int32
  var range: Range<Int>?
}

/// Evaluates the rules of a program on one prepared unit.
private struct Evaluator {
  let buffers: Buffers
  let unit: PreparedUnit

  /// The rules that can fire on the unit.
  func candidates() -> RuleSet {
    var candidates = RuleSet(count: buffers.rules.count)
    for rule in buffers.unanchoredRules { candidates.insert(rule) }
    unit.present.forEachID { anchor in
      let start = Int(buffers.anchorRuleStart[Int(anchor)])
      let end = Int(buffers.anchorRuleStart[Int(anchor) + 1])
      for index in start..<end { candidates.insert(buffers.anchorRules[index]) }
    }
    return candidates
  }

  /// Whether the anchors `anchors` meet the requirements of pattern `pattern`.
  @inline(__always)
  func mayOccur(_ pattern: Int32, _ anchors: AnchorSet) -> Bool {
    let requirements = buffers.requirements
    let masks = buffers.requirementMasks
    var at = Int(buffers.patterns[Int(pattern)].requirementStart)
    let groups = Int(requirements[at])
    at += 1
    for _ in 0..<groups {
      let words = Int(requirements[at])
      at += 1
      var found = false
      for offset in 0..<words
      where anchors.word(Int(requirements[at + offset])) & masks[at + offset]
        != 0
      {
        found = true
        break
      }
      if !found { return false }
      at += words
    }
    return true
  }

  /// Whether rule `rule` can fire, by the anchors of the whole unit: every
  /// `all` pattern and some `any` pattern may occur.
  func mayFire(_ rule: Int) -> Bool {
    let entry = buffers.rules[rule]
    for index in entry.all.range
    where !mayOccur(buffers.lists[index], unit.present) {
      return false
    }
    if entry.any.count == 0 { return true }
    return entry.any.range.contains {
      mayOccur(buffers.lists[$0], unit.present)
    }
  }

  /// Whether list `list` holds `value`.
  @inline(__always)
  private func list(_ list: ListRef, contains value: Int32) -> Bool {
    list.range.contains { buffers.lists[$0] == value }
  }

  /// Whether rule `rule` applies to the unit's kind, role and attributes.
  @inline(__always)
  func applies(_ rule: Int) -> Bool { applies(buffers.rules[rule]) }

  /// Whether a rule applies to the unit's kind, role and attributes.
  private func applies(_ rule: RuleEntry) -> Bool {
    if unit.ignoresScope { return true }
    if rule.kinds.isGiven, !list(rule.kinds, contains: unit.kind) {
      return false
    }
    if rule.roles.isGiven {
      guard unit.hasRole, list(rule.roles, contains: unit.role) else {
        return false
      }
    } else if unit.isInterviewer {
      // What interviewers ask is not data about the informants.
      return false
    }
    for index in rule.attributes.range {
      let condition = buffers.conditions[index]
      guard
        unit.attributes.contains(where: {
          $0.name == condition.name
            && list(condition.values, contains: $0.value)
        })
      else { return false }
    }
    return true
  }

  /// Whether the rule reads field `field` of the unit.
  ///
  /// Fields are read in order, own fields then context, and asked about one
  /// by one, so that evaluating a rule makes no list of them.
  @inline(__always)
  private func reads(_ rule: RuleEntry, field: Int) -> Bool {
    if rule.fields.isGiven, !unit.ignoresScope {
      return list(rule.fields, contains: unit.fields[field].nameID)
    }
    // A bare example (`ignoresScope`) has no question before it, so a rule
    // that reads only context reads nothing of it.
    if rule.fields.isGiven, rule.readsOnlyContext { return false }
    return field < unit.ownFieldCount
  }

  /// Where pattern `pattern` occurs in field `field`.
  private func matches(_ pattern: Int32, in field: Int) -> [Range<Int>] {
    let entry = buffers.patterns[Int(pattern)]
    if entry.regex >= 0 {
      return buffers.program.regexes[Int(entry.regex)].matches(
        in: unit.fields[field].text)
    }
    let prepared = unit.fields[field].prepared
    guard mayOccur(pattern, prepared.anchors) else { return [] }
    return WordProgram.run(
      UnsafeBufferPointer(
        rebasing: buffers.code[Int(entry.codeStart)..<Int(entry.codeEnd)]),
      leads: UnsafeBufferPointer(
        rebasing: buffers.leads[Int(entry.leadStart)..<Int(entry.leadEnd)]),
      on: prepared, of: unit.fields[field].text)
  }

  /// The occurrences in field `field` that no `not` occurrence overlaps.
  ///
  /// Each `not` pattern's occurrences are checked in turn rather than
  /// gathered into one array: most find none, and then nothing is made.
  private func unvetoed(
    _ matches: [Range<Int>], in field: Int, _ rule: RuleEntry
  ) -> [Range<Int>] {
    var kept = matches
    for index in rule.not.range where !kept.isEmpty {
      let vetoes = self.matches(buffers.lists[index], in: field)
      if vetoes.isEmpty { continue }
      kept.removeAll { range in vetoes.contains { $0.overlaps(range) } }
    }
    return kept
  }

  /// The first unvetoed occurrence of pattern `pattern` in the fields rule
  /// `rule` reads.
  private func firstOccurrence(of pattern: Int32, _ rule: Int) -> Hit? {
    let entry = buffers.rules[rule]
    for field in unit.fields.indices where reads(entry, field: field) {
      let found = matches(pattern, in: field)
      if found.isEmpty { continue }
      if let range = unvetoed(found, in: field, entry).first {
        return Hit(
          rule: Int32(truncatingIfNeeded: rule),
          field: Int32(truncatingIfNeeded: field), range: range)
      }
    }
    return nil
  }

  /// A hit of a rule of code `code`, with its field named by the unit.
  func firing(of code: Int, _ hit: Hit) -> CodeFiring {
    CodeFiring(
      code: code, rule: Int(hit.rule),
      field: hit.field < 0 ? nil : unit.fields[Int(hit.field)].name,
      range: hit.range)
  }

  /// Evaluates rule `rule` (see ``Rule``).
  func evaluate(_ rule: Int) -> Hit? {
    applies(rule) ? evaluateInScope(rule) : nil
  }

  /// Evaluates rule `rule`, which ``applies(_:)`` to the unit.
  func evaluateInScope(_ rule: Int) -> Hit? {
    let entry = buffers.rules[rule]
    for index in entry.unless.range {
      let pattern = buffers.lists[index]
      for field in unit.fields.indices where reads(entry, field: field) {
        if !unvetoed(matches(pattern, in: field), in: field, entry).isEmpty {
          return nil
        }
      }
    }
    if entry.any.count == 0, entry.all.count == 0 {
      // Attributes alone, which a bare example has none of.
      if unit.ignoresScope { return nil }
      return Hit(rule: Int32(truncatingIfNeeded: rule), field: -1, range: nil)
    }
    var hit: Hit?
    for index in entry.all.range {
      guard
        let found = firstOccurrence(of: buffers.lists[index], rule)
      else { return nil }
      hit = hit ?? found
    }
    if entry.any.count > 0 {
      // A loop, not `lazy.compactMap`: its closure escapes, and capturing
      // the evaluator copied it (retaining each of its arrays) per rule.
      for index in entry.any.range {
        if let found = firstOccurrence(of: buffers.lists[index], rule) {
          return found
        }
      }
      return nil
    }
    return hit
  }

  /// How many unvetoed occurrences rule `rule`'s `any` and `all` patterns
  /// have in the fields it reads, or 0 when it does not fire; 1 for a rule
  /// of attributes alone that fires.
  func hitCount(_ rule: Int) -> Int {
    guard evaluate(rule) != nil else { return 0 }
    let entry = buffers.rules[rule]
    if entry.any.count == 0, entry.all.count == 0 { return 1 }
    var total = 0
    for index in Array(entry.any.range) + Array(entry.all.range) {
      for field in unit.fields.indices where reads(entry, field: field) {
        total +=
          unvetoed(matches(buffers.lists[index], in: field), in: field, entry)
          .count
      }
    }
    return total
  }
}

/// A set of rule indices, as bits.
typealias RuleSet = BitSet
