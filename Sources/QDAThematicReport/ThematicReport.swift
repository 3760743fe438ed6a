import QDACodebook
import QDACoding
import QDAReport
import QDAStore

/// The thematic report: the results section of a study, computed as a value
/// and rendered as Markdown or self-contained HTML.
///
/// It holds the dataset, per-theme tables with shares in words, the split
/// between themes, codes by month, crosstabs of attributes, co-occurrence,
/// exemplar quotes, informant counts for interview codes, agreement between
/// human coders, and the codebook's definitions.
public struct ThematicReport: Sendable {
  /// A source in the dataset.
  public struct SourceSummary: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var units: Int
  }

  /// A code's line in its theme's table.
  public struct CodeLine: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Units (cases or turns) coded.
    public var count: Int
    /// The units it is a share of.
    public var of: Int
    /// Documents (informants) that carry the code, for interview codes.
    public var documents: Int?
    /// How many documents there are.
    public var ofDocuments: Int?
    /// The share in words, as the study writes it.
    public var words: String
    /// The first month the code appears, when units have dates.
    public var firstMonth: String?
  }

  /// A theme with its codes.
  public struct ThemeSection: Sendable, Equatable {
    public var id: String
    public var name: String
    public var definition: String
    /// `case`, `turn` or `message`: what the theme's codes were applied to.
    public var unitKind: String
    /// Units with any code of the theme.
    public var count: Int
    public var of: Int
    public var codes: [CodeLine]
  }

  /// A quote.
  public struct QuoteLine: Sendable, Equatable {
    public var code: String
    public var text: String
    public var attribution: String
  }

  public var title: String
  public var version: String
  /// The kind of unit (`case`, else `message`) that the months and the
  /// attribute crosstabs count.
  public var recordKind: String
  public var sources: [SourceSummary]
  public var unitsByKind: [(kind: String, units: Int)]
  public var dateRange: (first: String, last: String)?
  public var coders: [String]
  public var codebookID: String
  public var codebookVersion: String
  public var codebookHash: String
  public var themes: [ThemeSection]
  public var months: FrequencyTable?
  public var crosstabs: [Crosstab]
  public var cooccurrence: Cooccurrence
  public var quotes: [QuoteLine]
  public var agreement: AgreementReport?
  public var codebook: Codebook

  /// Computes the report.
  ///
  /// - Parameters:
  ///   - store: The database.
  ///   - codebook: The codebook of the `auto` codings.
  ///   - title: The report's title.
  ///   - version: The qda version, for the dataset section.
  ///   - quotesPerCode: How many quotes each code gets.
  /// - Throws: `StoreError`.
  public init(
    store: Store, codebook: Codebook, title: String, version: String,
    quotesPerCode: Int = 2
  ) throws {
    self.title = title
    self.version = version
    self.codebook = codebook
    codebookID = codebook.id
    codebookVersion = codebook.version
    codebookHash = codebook.contentHash
    // One pass over every unit's kind, source, date, attributes and codes
    // (index-ordered scans, one unit in memory at a time) gathers all the
    // counts; nothing here grows with the number of units.
    var sourceUnits: [Int64: (kind: String, ordinal: Int, units: Int)] = [:]
    var kinds: [String: (units: Int, sources: Set<Int64>)] = [:]
    var firstDate: String?
    var lastDate: String?
    var caseMonths: [String?: Int] = [:]
    // The kind of dated, attributed records that the months and the
    // attribute crosstabs count: work reports' cases, else chat messages.
    let recordKind =
      try store.hasUnits(ofKind: "case") || !store.hasUnits(ofKind: "message")
      ? "case" : "message"
    self.recordKind = recordKind
    /// Per (code, kind): units, their sources, the first month.
    var codeAggregates: [String: CodeAggregate] = [:]
    /// Per (theme, kind): units with any code of the theme.
    var themeKinds: [Pair: Int] = [:]
    var together: [Pair: Int] = [:]
    /// Per case attribute: where it first appears, its values' case counts
    /// (dropped past 12 values), and its codes' counts per value.
    var attributes: [String: AttributeTally] = [:]
    let themeOfCode = Dictionary(
      codebook.themes.flatMap { theme in
        theme.codes.map { ($0.qualifiedID, theme.id) }
      }, uniquingKeysWith: { first, _ in first })
    try store.forEachUnitFacts(coder: "auto") { unit in
      if let known = sourceUnits[unit.source] {
        sourceUnits[unit.source] = (
          known.ordinal <= unit.ordinal ? known.kind : unit.kind,
          min(known.ordinal, unit.ordinal), known.units + 1
        )
      } else {
        sourceUnits[unit.source] = (unit.kind, unit.ordinal, 1)
      }
      kinds[unit.kind, default: (0, [])].units += 1
      kinds[unit.kind]?.sources.insert(unit.source)
      let month = unit.date.map { String($0.prefix(7)) }
      if let date = unit.date {
        firstDate = min(firstDate ?? date, date)
        lastDate = max(lastDate ?? date, date)
      }
      // One dictionary look-up per coding; the rest goes through the code's
      // aggregate.
      let aggregates = unit.codes.map { code in
        if let known = codeAggregates[code] { return known }
        let made = CodeAggregate(theme: themeOfCode[code])
        codeAggregates[code] = made
        return made
      }
      var themes: [String] = []
      for aggregate in aggregates {
        aggregate.units += 1
        let tally = aggregate.tally(unit.kind)
        tally.units += 1
        tally.sources.insert(unit.source)
        if let month, tally.first.map({ month < $0 }) ?? true {
          tally.first = month
        }
        if let theme = aggregate.theme, !themes.contains(theme) {
          themes.append(theme)
        }
      }
      for theme in themes {
        themeKinds[Pair(theme, unit.kind), default: 0] += 1
      }
      for (index, first) in unit.codes.enumerated() {
        for second in unit.codes[(index + 1)...] {
          together[Pair(first, second), default: 0] += 1
        }
      }
      guard unit.kind == recordKind else { return }
      caseMonths[month, default: 0] += 1
      for aggregate in aggregates {
        aggregate.caseMonths[month, default: 0] += 1
      }
      for attribute in unit.attributes {
        let place = (unit.source, unit.ordinal, attribute.position)
        let tally: AttributeTally
        if let known = attributes[attribute.name] {
          tally = known
          if place < tally.first { tally.first = place }
        } else {
          tally = AttributeTally(first: place)
          attributes[attribute.name] = tally
        }
        tally.add(
          ["speaker", "role"].contains(attribute.name) ? nil : attribute.value,
          codes: unit.codes)
      }
    }
    var codeKinds: [Pair: CodeTally] = [:]
    var perCode: [String: Int] = [:]
    var codedMonths: [GroupCount] = []
    for (code, aggregate) in codeAggregates {
      perCode[code] = aggregate.units
      for (kind, tally) in aggregate.kinds {
        codeKinds[Pair(code, kind)] = tally
      }
      codedMonths += aggregate.caseMonths.map {
        GroupCount(key: code, group: $0.key, units: $0.value)
      }
    }
    let sourceNames = try store.sourceIDs()
    sources = sourceNames.compactMap { source in
      sourceUnits[source.id].map {
        SourceSummary(name: source.name, kind: $0.kind, units: $0.units)
      }
    }
    unitsByKind = kinds.keys.sorted().map { ($0, kinds[$0]?.units ?? 0) }
    dateRange = firstDate.flatMap { first in lastDate.map { (first, $0) } }
    coders = try store.coders()

    // Themes: each counted over the kind of unit its codes were applied to.
    var themes: [ThemeSection] = []
    for theme in codebook.themes {
      var kindOfTheme = recordKind
      var most = 0
      for kind in kinds.keys.sorted() {
        let coded = theme.codes.reduce(0) {
          $0 + (codeKinds[Pair($1.qualifiedID, kind)]?.units ?? 0)
        }
        if coded > most {
          most = coded
          kindOfTheme = kind
        }
      }
      let kind = kindOfTheme
      let inScope = kinds[kind]?.units ?? 0
      let documents = kinds[kind]?.sources.count ?? 0
      let lines = theme.codes.map { code -> CodeLine in
        let tally = codeKinds[Pair(code.qualifiedID, kind)]
        let count = tally?.units ?? 0
        if kind == "turn" {
          let informants = tally?.sources.count ?? 0
          return CodeLine(
            id: code.qualifiedID, name: code.name, count: count, of: inScope,
            documents: informants, ofDocuments: documents,
            words: ShareInWords.informants(informants, of: documents),
            firstMonth: tally?.first)
        }
        return CodeLine(
          id: code.qualifiedID, name: code.name, count: count, of: inScope,
          documents: nil, ofDocuments: nil,
          words: ShareInWords.describe(count, of: inScope, kind: kind),
          firstMonth: tally?.first)
      }
      themes.append(
        ThemeSection(
          id: theme.id, name: theme.name, definition: theme.definition,
          unitKind: kind, count: themeKinds[Pair(theme.id, kind)] ?? 0,
          of: inScope, codes: lines))
    }
    self.themes = themes
    let currentCodes = try store.currentCodes()
    let order = currentCodes.map(\.id)
    months =
      firstDate == nil
      ? nil
      : FrequencyTable(
        dimension: .month, coder: "auto", codes: currentCodes,
        unitCounts: caseMonths.map {
          GroupCount(key: nil, group: $0.key, units: $0.value)
        },
        coded: codedMonths)
    // Crosstabs of attributes with few values (such as channel).
    crosstabs = attributes.sorted { $0.value.first < $1.value.first }.compactMap
    { name, tally in
      guard let values = tally.values else { return nil }
      return Crosstab(
        columns: .attribute(name), coder: "auto", order: order,
        unitCounts: values.map {
          GroupCount(key: nil, group: $0.key, units: $0.value)
        }
          + [
            GroupCount(
              key: nil, group: nil,
              units: (kinds[recordKind]?.units ?? 0)
                - values.values.reduce(0, +))
          ].filter { $0.units > 0 },
        coded: tally.codedCounts(perCode: codeKinds, kind: recordKind))
    }
    cooccurrence = Cooccurrence(
      coder: "auto", order: order, perCode: perCode,
      pairs: together.map { ($0.key.first, $0.key.second, $0.value) })
    // Quotes.
    let selector = QuoteSelector(codebook: codebook)
    var quotes: [QuoteLine] = []
    for code in codebook.codes {
      let candidates = try store.codedUnits(
        code: code.qualifiedID, coder: "auto", filter: .init(),
        limit: QuoteSelector.candidateLimit)
      quotes += selector.quotes(
        for: code.qualifiedID, among: candidates, limit: quotesPerCode
      ).map {
        QuoteLine(
          code: code.qualifiedID, text: $0.text, attribution: $0.attribution)
      }
    }
    self.quotes = quotes
    let humans = coders.filter { $0 != "auto" }
    agreement =
      humans.count >= 2
      ? try AgreementReport(store: store, coders: humans) : nil
  }
}

/// Two strings as a dictionary key.
struct Pair: Hashable {
  var first: String
  var second: String

  init(_ first: String, _ second: String) {
    self.first = first
    self.second = second
  }
}

/// What the report counts of a code.
final class CodeAggregate {
  /// The code's theme in the report's codebook.
  let theme: String?
  /// Units of any kind.
  var units = 0
  /// Per unit kind (one or two).
  var kinds: [(kind: String, tally: CodeTally)] = []
  /// Cases per month (`nil`: undated).
  var caseMonths: [String?: Int] = [:]

  init(theme: String?) { self.theme = theme }

  /// The tally of a kind of unit.
  func tally(_ kind: String) -> CodeTally {
    if let known = kinds.first(where: { $0.kind == kind }) {
      return known.tally
    }
    let made = CodeTally()
    kinds.append((kind, made))
    return made
  }
}

/// A code's units of one kind, their sources and the first month.
final class CodeTally {
  var units = 0
  var sources = Set<Int64>()
  var first: String?
}

/// A case attribute's counts for the report's crosstabs.
final class AttributeTally {
  /// Where the attribute first appears: (source, ordinal, position).
  var first: (Int64, Int, Int)
  /// Cases per value; `nil` once the attribute has more than 12 values,
  /// too many for a crosstab.
  var values: [String: Int]? = [:]
  /// Cases per code and value (`nil`: the missing value).
  var coded: [Pair: Int] = [:]
  /// Cases per code whose attribute value is known.
  var codedWithValue: [String: Int] = [:]

  init(first: (Int64, Int, Int)) { self.first = first }

  /// Counts a case with this attribute value and these codes.
  func add(_ value: String?, codes: [String]) {
    guard values != nil, let value else { return }
    values?[value, default: 0] += 1
    if values?.count ?? 0 > 12 {
      values = nil
      coded = [:]
      codedWithValue = [:]
      return
    }
    for code in codes {
      coded[Pair(code, value), default: 0] += 1
      codedWithValue[code, default: 0] += 1
    }
  }

  /// Cases per code and value, the cases without a value included (a
  /// code's cases without the attribute are its cases less those with it).
  func codedCounts(perCode: [Pair: CodeTally], kind: String)
    -> [GroupCount]
  {
    var counts = coded.map {
      GroupCount(key: $0.key.first, group: $0.key.second, units: $0.value)
    }
    for (key, tally) in perCode where key.second == kind {
      let without = tally.units - (codedWithValue[key.first] ?? 0)
      if without > 0 {
        counts.append(GroupCount(key: key.first, group: nil, units: without))
      }
    }
    return counts
  }
}

/// Shares put in words as qualitative studies write them.
public enum ShareInWords {
  static let numbers = [
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten",
  ]
  static let fractions: [(value: Double, words: String)] = [
    (1.0 / 2, "half"), (1.0 / 3, "a third"), (1.0 / 4, "a quarter"),
    (1.0 / 5, "a fifth"),
    (1.0 / 6, "a sixth"), (1.0 / 8, "an eighth"), (1.0 / 10, "a tenth"),
    (1.0 / 20, "one in twenty"),
  ]

  /// "only four cases", "nearly a third", "about a sixth", "just over a fifth".
  ///
  /// - Parameters:
  ///   - count: The units with the code.
  ///   - total: The units in scope.
  ///   - kind: The units' kind (`case`, `message`), which names them.
  /// - Returns: The share in words.
  public static func describe(
    _ count: Int, of total: Int, kind: String = "case"
  )
    -> String
  {
    let nouns = UnitNouns(kind: kind)
    guard total > 0 else { return "no \(nouns.plural)" }
    if count == 0 { return "no \(nouns.plural)" }
    if count <= 5 {
      return "only \(numbers[count]) "
        + (count == 1 ? nouns.singular : nouns.plural)
    }
    if count == total { return "all \(nouns.plural)" }
    let share = Double(count) / Double(total)
    if share > 0.75 { return "most \(nouns.plural)" }
    guard
      let best = fractions.min(by: {
        abs(share - $0.value) / $0.value < abs(share - $1.value) / $1.value
      }),
      abs(share - best.value) / best.value <= 0.2
    else { return "\(Cell.percent(count, of: total).text)% of \(nouns.plural)" }
    let error = (share - best.value) / best.value
    if abs(error) < 0.02 { return "about " + best.words }
    return (error < 0 ? "nearly " : "just over ") + best.words
  }

  /// "3 of 4 informants".
  public static func informants(_ count: Int, of total: Int) -> String {
    "\(count) of \(total) informant" + (total == 1 ? "" : "s")
  }
}

/// How the report names units of a kind, and the sources that hold them.
struct UnitNouns {
  let singular: String
  let plural: String
  /// What a source of such units is.
  let source: String

  init(kind: String) {
    switch kind {
    case "case": (singular, plural, source) = ("case", "cases", "work reports")
    case "turn": (singular, plural, source) = ("turn", "turns", "transcript")
    case "message":
      (singular, plural, source) = ("message", "messages", "Telegram chat")
    default: (singular, plural, source) = (kind, kind + "s", kind)
    }
  }
}
