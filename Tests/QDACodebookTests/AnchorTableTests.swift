import QDATestSupport
import Testing

@testable import QDACodebook

@Suite struct AnchorTableTests {
  /// A codebook's YAML up to its one theme's list of codes, which the test
  /// appends.
  static func header(id: String) -> String {
    """
    id: \(id)
    title: \(id)
    version: 1.0.0
    themes:
      - id: t
        name: T
        definition: D.
        codes:

    """
  }

  /// Random words of Latin and Cyrillic letters, from a seed: enough
  /// letters that trie nodes get a dense table of edges (eight or more).
  struct RandomWords {
    var random: SeededGenerator
    let letters = Array("abcdefghijklmnopабвгдежзийклмнопрстуфх")

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    /// A word of 1 to `length` letters.
    mutating func next(upTo length: UInt64) -> String {
      let count = 1 + random.next() % length
      return String(
        (0..<count).map { _ in
          letters[Int(random.next() % UInt64(letters.count))]
        })
    }
  }

  @Test func aWordFindsEveryStemItStartsWith() {
    let trie = AnchorTrie(stems: [
      (Array("вен".utf8), 0), (Array("вена".utf8), 1), (Array("ve".utf8), 2),
      (Array("vein".utf8), 3), (Array("венозн".utf8), 4),
    ])
    func stems(_ word: String) -> [Int32] {
      var found: [Int32] = []
      trie.walk(word) { found.append($0) }
      return found
    }
    #expect(stems("венами") == [0, 1])
    #expect(stems("вены") == [0])
    #expect(stems("венозный") == [0, 4])
    #expect(stems("veins") == [2, 3])
    #expect(stems("ve") == [2])
    #expect(stems("v").isEmpty)
    #expect(stems("abscess").isEmpty)
    #expect(trie.id(ofStem: Array("вена".utf8)) == 1)
    #expect(trie.id(ofStem: Array("вено".utf8)) == nil)
  }

  @Test func aTrieOfManyStemsFindsWhatPrefixesFind() {
    var words = RandomWords(seed: 98)
    func word(_ length: UInt64) -> String { words.next(upTo: length) }
    let stems = Array(Set((0..<300).map { _ in word(4) }))
    let trie = AnchorTrie(
      stems: stems.enumerated().map { (Array($1.utf8), Int32($0)) })
    for _ in 0..<2_000 {
      let text = word(7)
      var found: [Int32] = []
      trie.walk(text) { found.append($0) }
      let expected = stems.indices.filter {
        text.utf8.starts(with: stems[$0].utf8)
      }.map(Int32.init)
      #expect(found.sorted() == expected.sorted(), "\(text)")
    }
  }

  /// Words and stems share the trie: a word is found only when the walk
  /// ends at its last byte, on the node it ends at, whether or not stems
  /// end there too, and whether that node has a dense table of edges.
  @Test func aWalkFindsTheWordItEndsAtAndTheStemsOnItsWay() {
    var random = RandomWords(seed: 61)
    func word(_ length: UInt64) -> String { random.next(upTo: length) }
    let stems = Array(Set((0..<200).map { _ in word(4) }))
    // Some words are stems as well; ids after the stems'.
    let words = Array(Set((0..<300).map { _ in word(6) } + stems.prefix(40)))
    let trie = AnchorTrie(
      words: words.enumerated().map {
        (Array($1.utf8), Int32(stems.count + $0))
      },
      stems: stems.enumerated().map { (Array($1.utf8), Int32($0)) })
    for text in words + (0..<3_000).map({ _ in word(7) }) {
      var found: [Int32] = []
      let id = trie.walk(text) { found.append($0) }
      let expected = stems.indices.filter {
        text.utf8.starts(with: stems[$0].utf8)
      }.map(Int32.init)
      #expect(found.sorted() == expected.sorted(), "\(text)")
      let expectedID = words.firstIndex(of: text).map {
        Int32(stems.count + $0)
      }
      #expect(id == (expectedID ?? -1), "\(text)")
      #expect(trie.id(ofWord: Array(text.utf8)) == expectedID, "\(text)")
    }
    #expect(trie.walk("") { _ in Issue.record("no stems") } == -1)
    #expect(trie.id(ofWord: []) == nil)
  }

  @Test func aTextHoldsTheAnchorsOfItsWordsAndStems() throws {
    let patterns = try ["abscess*", "vein|veins", "ёлка", "test* .. hiv"].map(
      Pattern.init)
    let table = AnchorTable(patterns: patterns)
    #expect(table.count == 6)
    let anchors = table.anchors(in: TextIndex("Abscesses on a VEIN, ЕЛКА"))
    var present: [Int32] = []
    anchors.forEachID { present.append($0) }
    let ids = [
      Pattern.Anchor.stem("abscess"), .word(FoldedWord("vein")),
      .word(FoldedWord("елка")),
    ].compactMap(table.id(of:))
    #expect(present == ids.sorted())
    #expect(table.id(of: .word(FoldedWord("veins"))) != nil)
    #expect(table.id(of: .word(FoldedWord("artery"))) == nil)
  }

  @Test func ruleCountDoesNotChangeWhatACodebookFinds() throws {
    // The same rule among a thousand others that never match.
    var yaml =
      Self.header(id: "many") + """
              - id: vein
                name: Vein
                definition: Veins.
                rules:
                  - id: vein
                    any: ["vein*|вен*", "/ab+scess/"]
                    not: ["no veins"]

        """
    for code in 0..<100 {
      let words = (0..<10).map { "zq\(code * 10 + $0)x*" }
      yaml += [
        "      - id: c\(code)", "        name: C\(code)",
        "        definition: D.", "        rules:", "          - id: r\(code)",
        "            any: [\(words.joined(separator: ", "))]", "",
      ].joined(separator: "\n")
    }
    let (loaded, diagnostics) = Codebook.parse(yaml: yaml, path: "many.yml")
    let codebook = try #require(loaded, "\(diagnostics)")
    func codes(_ text: String) -> [String] {
      codebook.apply(
        to: MatchableUnit(kind: "case", texts: [("request", text)])
      )
      .map { "\($0.code.id) \($0.match.range.map { "\($0)" } ?? "-")" }
    }
    #expect(codes("Вены пропали") == ["vein 0..<4"])
    #expect(codes("an abbbscess") == ["vein 3..<12"])
    #expect(codes("no veins left").isEmpty)
    #expect(codes("zq5x and zq999xyz") == ["c0 0..<4", "c99 9..<17"])
  }

  /// A pattern is screened by masks over the words of the anchor bit set
  /// (`RuleProgram`): a choice of 150 words spans three of them, and each
  /// of its words must still let the pattern through, and none other.
  @Test func aChoiceSpanningManyWordsOfTheBitSetIsScreenedRight() throws {
    let choice = (0..<150).map { "w\($0)" }.joined(separator: "|")
    let yaml =
      Self.header(id: "wide") + """
              - id: pair
                name: Pair
                definition: Two words.
                rules:
                  - id: pair
                    all: ["\(choice) target", "hit*|\(choice)"]
        """
    let (loaded, diagnostics) = Codebook.parse(yaml: yaml, path: "wide.yml")
    let codebook = try #require(loaded, "\(diagnostics)")
    func fires(_ text: String) -> Bool {
      !codebook.apply(to: MatchableUnit(kind: "case", texts: [("t", text)]))
        .isEmpty
    }
    for word in [0, 1, 63, 64, 70, 127, 128, 149] {
      #expect(fires("w\(word) target"), "w\(word)")
      #expect(!fires("w\(word) other"), "w\(word)")
    }
    #expect(!fires("w150 target"))
    #expect(!fires("target"))
  }
}
