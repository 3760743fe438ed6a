import QDACodebook
import Testing

@Suite struct PatternTests {
  func occurs(_ pattern: String, in text: String) throws -> Bool {
    try Pattern(pattern).occurs(in: TextIndex(text))
  }

  @Test func wordsMatchWholeWordsCaseInsensitively() throws {
    #expect(try occurs("abscess", in: "An ABSCESS on the arm"))
    #expect(try !occurs("abscess", in: "abscesses"))
    #expect(try occurs("abscess*", in: "abscesses"))
    #expect(try !occurs("vein", in: "intravenous"))
  }

  @Test func cyrillicFoldsCaseAndYo() throws {
    #expect(try occurs("отек*", in: "Сильный ОТЁК ноги"))
    #expect(try occurs("ёлка", in: "ЕЛКА"))
    #expect(try occurs("вена|вены|вен", in: "Вены пропали"))
    #expect(try !occurs("вена|вены|вен", in: "вентиляция"))
  }

  @Test func decomposedTextMatchesComposedPatterns() throws {
    #expect(try occurs("йод", in: "и\u{306}од"))
    #expect(try occurs("café", in: "cafe\u{301}"))
  }

  @Test func phrasesGapsAndAnyWord() throws {
    #expect(try occurs("test* .. hiv", in: "testing for the HIV"))
    #expect(
      try !occurs("test* .. hiv", in: "testing is done for adults with HIV"))
    #expect(
      try occurs("test* ..5 hiv", in: "testing is done for adults with HIV"))
    #expect(try occurs("find _ vein", in: "can't find a vein"))
    #expect(try occurs("at-home", in: "detox at home"))
    #expect(try occurs("can't|cannot cope", in: "I can't cope"))
    #expect(try occurs("can't|cannot cope", in: "I cannot cope"))
  }

  @Test func regularExpressionsSearchFoldedText() throws {
    #expect(try occurs("/ревак?цин/", in: "РЕВАКЦИНАЦИЯ"))
    #expect(try !occurs("/^x/", in: "yx"))
  }

  @Test func matchesReportOriginalOffsets() throws {
    let text = "Ёж: вены пропали"
    let ranges = try Pattern("вены пропал*").matches(in: TextIndex(text))
    #expect(ranges == [4..<16])
    let scalars = Array(text.unicodeScalars)
    #expect(String(String.UnicodeScalarView(scalars[4..<16])) == "вены пропали")
  }

  @Test func invalidPatterns() {
    #expect(throws: PatternError.misplacedGap) { try Pattern(".. hiv") }
    #expect(throws: PatternError.empty) { try Pattern("   ") }
    #expect(throws: PatternError.noWords("--")) { try Pattern("--") }
    #expect(throws: PatternError.invalidRegex("(a")) { try Pattern("/(a/") }
  }
}

@Suite struct RuleTests {
  func codebook(_ yaml: String) throws -> Codebook {
    let (codebook, diagnostics) = Codebook.parse(yaml: yaml, path: "test.yml")
    #expect(
      diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
    return try #require(codebook)
  }

  let yaml = """
    id: t
    title: T
    version: "1"
    languages: [en]
    themes:
      - id: hybrid
        name: H
        definition: D.
        codes:
          - id: severe
            name: Severe
            definition: Severe complications.
            rules:
              - id: severe-en
                language: en
                fields: [request]
                kinds: [case]
                any: [abscess*, fever]
                not: ["no abscess*", "no fever"]
              - id: testing
                all: [test*, hiv]
                unless: [friend]
    """

  func codes(
    _ codebook: Codebook, kind: String = "case", request: String,
    services: String = ""
  )
    -> [String]
  {
    codebook.apply(
      to: MatchableUnit(
        kind: kind, texts: [("request", request), ("services", services)])
    ).map { "\($0.code.qualifiedID):\($0.match.rule)" }
  }

  @Test func exclusionsCancelOnlyOverlappingMatches() throws {
    let book = try codebook(yaml)
    #expect(
      codes(book, request: "An abscess on the arm") == [
        "hybrid.severe:severe-en"
      ])
    #expect(codes(book, request: "No abscess, no fever").isEmpty)
    #expect(
      codes(book, request: "No abscess but a fever") == [
        "hybrid.severe:severe-en"
      ])
  }

  @Test func fieldsKindsAllAndUnless() throws {
    let book = try codebook(yaml)
    #expect(codes(book, request: "fine", services: "abscess").isEmpty)
    #expect(codes(book, kind: "turn", request: "abscess").isEmpty)
    #expect(
      codes(book, request: "wants a test", services: "for HIV") == [
        "hybrid.severe:testing"
      ])
    #expect(codes(book, request: "wants a test for HIV for a friend").isEmpty)
  }

  @Test func spansAreRecorded() throws {
    let book = try codebook(yaml)
    let match = try #require(
      book.apply(
        to: MatchableUnit(kind: "case", texts: [("request", "Big abscesses")])
      ).first)
    #expect(match.match.field == "request")
    #expect(match.match.range == 4..<13)
  }
}
