import QDACodebook
import Testing

/// Rules that test unit attributes: `attributes: {hour: [0, 1, 2]}`.
@Suite struct AttributeRuleTests {
  static let yaml = """
    id: chat
    title: Chat
    version: 1.0.0
    themes:
      - id: challenge
        name: Challenges
        definition: Difficulties.
        codes:
          - id: nighttime
            name: Night-time
            definition: Sent between midnight and six.
            examples: [People write in the middle of the night.]
            rules:
              - id: night-message
                kinds: [message]
                attributes:
                  hour: [0, 1, 2, 3, 4, 5]
              - id: night-words
                kinds: [turn]
                any: [night]
          - id: voice
            name: Voice
            definition: Voice and video messages.
            rules:
              - id: voice-message
                attributes: {media: [voice_message, video_message], chat_type: private_group}
          - id: overdose-by-phone
            name: Overdose by phone
            definition: An overdose reported by phone.
            rules:
              - id: phone-overdose
                attributes: {channel: phone}
                any: [overdos*]
                unless: [friend]
    """

  func codebook() throws -> Codebook {
    let (codebook, diagnostics) = Codebook.parse(yaml: Self.yaml, path: "c.yml")
    #expect(diagnostics.map(\.description) == [])
    return try #require(codebook)
  }

  /// The codes that fire on a unit, each as `code:rule field span`.
  func fired(
    _ codebook: Codebook, kind: String = "message", text: String = "",
    role: String? = nil, _ attributes: [(name: String, value: String)]
  ) -> [String] {
    codebook.apply(
      to: MatchableUnit(
        kind: kind, role: role, texts: [("text", text)], attributes: attributes)
    ).map {
      "\($0.code.id):\($0.match.rule) \($0.match.field ?? "-") \($0.match.range.map { "\($0)" } ?? "-")"
    }
  }

  @Test func conditionsAreReadFromTheCodebook() throws {
    let codebook = try codebook()
    #expect(
      codebook.codes[0].rules[0].attributes == [
        AttributeCondition(
          name: "hour", values: ["0", "1", "2", "3", "4", "5"])
      ])
    #expect(codebook.codes[0].rules[1].attributes == [])
    #expect(
      Set(codebook.codes[1].rules[0].attributes) == [
        AttributeCondition(
          name: "media", values: ["voice_message", "video_message"]),
        AttributeCondition(name: "chat_type", values: ["private_group"]),
      ])
    #expect(
      codebook.attributeNames == ["channel", "chat_type", "hour", "media"])
  }

  /// Whether a rule of `attributes: {a: VALUES}` fires on a unit whose
  /// `a` is `value`.
  func admits(_ values: String, _ value: String) throws -> Bool {
    let yaml = """
      {id: t, title: T, version: 1.0.0, themes: [{id: t, name: T, definition: T.,
       codes: [{id: c, name: C, definition: C., rules: [{attributes: {a: \(values)}}]}]}]}
      """
    let codebook = try #require(Codebook.parse(yaml: yaml, path: "t.yml").0)
    return !codebook.apply(
      to: MatchableUnit(kind: "message", texts: [], attributes: [("a", value)])
    ).isEmpty
  }

  @Test func wholeNumbersCompareAsNumbersOtherValuesAsText() throws {
    for value in ["00", "05", "5", "023", "0"] {
      #expect(try admits("[0, 5, 23]", value), "\(value)")
    }
    for value in ["50", "5 ", "-5", "", "0x5", "٥"] {
      #expect(try !admits("[0, 5, 23]", value), "\(value)")
    }
    #expect(try admits("['05']", "5"))
    #expect(try admits("'000'", "0"))
    #expect(try admits("voice_message", "voice_message"))
    #expect(try !admits("voice_message", "Voice_message"))
    #expect(try !admits("voice_message", "voice"))
  }

  /// A rule of attributes alone codes the whole unit: no field, no span.
  @Test func attributesAloneFireWithoutFieldOrSpan() throws {
    let codebook = try codebook()
    #expect(
      fired(codebook, [("hour", "03")]) == ["nighttime:night-message - -"])
    #expect(fired(codebook, [("hour", "06")]) == [])
    #expect(fired(codebook, [("channel", "03")]) == [])
    #expect(fired(codebook, []) == [])
    // `kinds` still scopes it: a turn at three has no `hour` rule.
    #expect(fired(codebook, kind: "turn", [("hour", "03")]) == [])
    // Interviewers' units are skipped unless a rule names their role.
    #expect(fired(codebook, role: "interviewer", [("hour", "03")]) == [])
    #expect(
      codebook.hitCount(
        of: "challenge.nighttime",
        in: MatchableUnit(
          kind: "message", texts: [("text", "")], attributes: [("hour", "2")]))
        == 1)
  }

  @Test func everyConditionMustHold() throws {
    let codebook = try codebook()
    #expect(
      fired(
        codebook, [("media", "video_message"), ("chat_type", "private_group")])
        == ["voice:voice-message - -"])
    #expect(fired(codebook, [("media", "video_message")]) == [])
    #expect(
      fired(codebook, [("media", "sticker"), ("chat_type", "private_group")])
        == [])
    // Unit attributes no rule tests are ignored.
    #expect(
      fired(
        codebook,
        [
          ("chat", "x"), ("media", "voice_message"), ("reply", "yes"),
          ("chat_type", "private_group"), ("hour", "01"),
        ]) == ["nighttime:night-message - -", "voice:voice-message - -"])
  }

  /// With patterns, attributes narrow where they fire, and the match keeps
  /// its field and span.
  @Test func attributesNarrowPatterns() throws {
    let codebook = try codebook()
    let text = "He overdosed, help"
    #expect(
      fired(codebook, kind: "case", text: text, [("channel", "phone")]) == [
        "overdose-by-phone:phone-overdose text 3..<12"
      ])
    #expect(
      fired(codebook, kind: "case", text: text, [("channel", "group chat")])
        == [])
    #expect(fired(codebook, kind: "case", text: text, []) == [])
    #expect(
      fired(
        codebook, kind: "case", text: "My friend overdosed",
        [("channel", "phone")]) == [])
  }

  /// Examples are bare texts: a rule of attributes alone cannot fire on
  /// them, and lint says so for a code whose only rules are such.
  @Test func examplesAreNotCodedByAttributesAlone() throws {
    let codebook = try codebook()
    #expect(
      codebook.firstMatch(
        of: "challenge.voice", in: MatchableUnit(example: "a voice message"))
        == nil)
    // `night` still codes the nighttime example, with attributes ignored.
    #expect(
      codebook.firstMatch(
        of: "challenge.nighttime",
        in: MatchableUnit(example: "Often at night.")) != nil)
    let yaml = Self.yaml.replacingOccurrences(
      of: "definition: Voice and video messages.",
      with: "definition: Voice and video messages.\n        examples: [voice]")
    let warnings = Codebook.parse(yaml: yaml, path: "c.yml").1.map(
      \.description)
    #expect(
      warnings == [
        "c.yml:24:20: warning: example of 'challenge.voice' is not coded by its rules"
      ])
  }

  @Test func malformedAttributesAreErrorsWithTheirPlace() {
    func errors(_ attributes: String) -> [String] {
      let yaml = Self.yaml.replacingOccurrences(
        of: "attributes: {channel: phone}", with: "attributes: \(attributes)")
      return Codebook.parse(yaml: yaml, path: "c.yml").1.map(\.description)
    }
    #expect(
      errors("[]") == [
        "c.yml:32:25: error: 'attributes' must map attribute names to values, as 'hour: [0, 1, 2]'"
      ])
    #expect(
      errors("{channel: []}") == [
        "c.yml:32:35: error: attribute 'channel' lists no values"
      ])
    #expect(
      errors("{channel: {a: b}}") == [
        "c.yml:32:35: error: attribute 'channel' must be a list of texts"
      ])
    #expect(
      errors("{channel: ''}") == [
        "c.yml:32:35: error: attribute 'channel' is empty"
      ])
    #expect(
      errors("{[a]: b}") == [
        "c.yml:32:26: error: attribute names must be plain names"
      ])
    #expect(
      errors("{channel: phone, channel: sms}").first?.contains(
        "duplicate key 'channel'") == true)
    // A rule needs patterns or attributes.
    let bare = Self.yaml.replacingOccurrences(
      of: "            attributes: {channel: phone}\n", with: ""
    )
    .replacingOccurrences(of: "            any: [overdos*]\n", with: "")
    #expect(
      Codebook.parse(yaml: bare, path: "c.yml").1.map(\.description) == [
        "c.yml:31:13: error: rule 'phone-overdose' has neither 'any' nor 'all' patterns nor 'attributes'"
      ])
  }
}
