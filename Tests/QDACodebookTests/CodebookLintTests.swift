import QDACodebook
import QDATestSupport
import Testing

@Suite struct CodebookLintTests {
  func errors(_ yaml: String) -> [String] {
    Codebook.parse(yaml: yaml, path: "c.yml").1.map(\.description)
  }

  @Test func shippedCodebookHasEveryDesignedCodeAndNoDiagnostics() throws {
    let path = TestPaths.package("Codebooks/web-outreach.yml").path
    let (codebook, diagnostics) = try Codebook.lint(path: path)
    #expect(diagnostics.map(\.description) == [])
    let ids = try #require(codebook).codes.map(\.qualifiedID)
    let designed = [
      "online-only.minor-complications", "online-only.hr-information",
      "online-only.detox-information", "online-only.covid-information",
      "online-only.psychological-support", "hybrid.offline-services",
      "hybrid.severe-complications", "hybrid.hr-services", "hybrid.overdose",
      "stage.initiating", "stage.addressing", "stage.feedback",
      "channel.group-chat",
      "channel.direct-message", "channel.phone", "challenge.nighttime",
      "challenge.voice-messages", "challenge.unclear-messages",
      "challenge.phone-refusal",
    ]
    #expect(ids == designed)
    for code in try #require(codebook).codes {
      #expect(!code.examples.isEmpty, "\(code.qualifiedID) has no example")
      #expect(
        Set(code.rules.compactMap(\.language)).isSuperset(of: ["en"]),
        "\(code.qualifiedID)")
    }
    let reportCodes = try #require(codebook).codes.filter {
      $0.themeID == "online-only" || $0.themeID == "hybrid"
    }
    for code in reportCodes {
      #expect(
        Set(code.rules.compactMap(\.language)) == ["en", "ru"],
        "\(code.qualifiedID)")
    }
  }

  @Test func documentedExampleIsAValidCodebook() throws {
    let article = try String(
      contentsOf: TestPaths.package(
        "Sources/QDACodebook/Documentation.docc/CodebookFormat.md"),
      encoding: .utf8)
    let heading = try #require(article.range(of: "### A complete example"))
    let start = try #require(
      article.range(
        of: "```yaml\n", range: heading.upperBound..<article.endIndex))
    let end = try #require(
      article.range(of: "```", range: start.upperBound..<article.endIndex))
    let yaml = String(article[start.upperBound..<end.lowerBound])
    let (codebook, diagnostics) = Codebook.parse(
      yaml: yaml, path: "CodebookFormat.md")
    #expect(diagnostics.map(\.description) == [])
    #expect(
      codebook?.codes.map(\.qualifiedID) == ["hybrid.severe-complications"])
  }

  @Test func yamlErrorsHaveLineAndColumn() {
    #expect(errors("id: [a\ntitle: x\n").first?.hasPrefix("c.yml:2:") == true)
  }

  @Test func missingFieldsAndBadIDs() {
    let messages = errors(
      """
      id: Bad Id
      title: T
      version: "1"
      themes:
        - id: t
          name: T
          definition: D
          codes:
            - id: a
              name: A
              rules:
                - any: [x]
                  language: fr
      """)
    #expect(
      messages == [
        "c.yml:1:5: error: codebook id 'Bad Id' must use lowercase letters, digits, '-' and '_'",
        "c.yml:9:9: error: a code is missing 'definition'",
      ])
  }

  @Test func languagesMustBeDeclared() {
    let messages = errors(
      """
      id: c
      title: T
      version: "1"
      languages: [en]
      themes:
        - id: t
          name: T
          definition: D
          codes:
            - id: a
              name: A
              definition: A.
              rules:
                - any: [x]
                  language: fr
      """)
    #expect(
      messages == [
        "c.yml:15:23: error: language 'fr' is not among the codebook's languages ('en')"
      ])
  }

  @Test func examplesAreCheckedAgainstTheRules() {
    let messages = errors(
      """
      id: c
      title: T
      version: "1"
      themes:
        - id: t
          name: T
          definition: D
          codes:
            - id: a
              name: A
              definition: A.
              examples: [an abscess, a rash]
              counterexamples: [no abscess]
              rules:
                - id: r
                  any: [abscess]
      """)
    #expect(
      messages == [
        "c.yml:12:32: warning: example of 't.a' is not coded by its rules",
        "c.yml:13:27: warning: counterexample of 't.a' is coded by rule 'r'",
      ])
  }
}
