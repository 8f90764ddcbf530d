"""The member SMS flow without a server: parsing tables, then decisions from plain facts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hotline.catalogs import catalog
from hotline.flows import effects, names
from hotline.flows.segments import count_segments
from hotline.flows.sms import member as flow
from hotline.flows.sms.keywords import Command, Kind, looks_spanish, parse

# Parsing ------------------------------------------------------------------------------------

INFO, R, L, C = Kind.INFO, Kind.REMIND, Kind.LEAVE, Kind.CALL


@pytest.mark.parametrize(
    ("body", "kind", "code"),
    [
        ("HELP", Kind.HELP, None),
        ("help!", Kind.HELP, None),
        ("AYUDA", Kind.HELP, None),
        ("info", Kind.HELP, None),
        ("INFO 4821", INFO, "4821"),
        ("info#4821", INFO, "4821"),
        ("Info4821", INFO, "4821"),
        ("please info 4821", INFO, "4821"),
        ("4821", INFO, "4821"),
        ("infoo 4821", INFO, "4821"),
        ("MENU", Kind.MENU, None),
        ("hi", Kind.MENU, None),
        ("Hola", Kind.MENU, None),
        ("REMIND 4821", R, "4821"),
        ("remnd 4821", R, "4821"),
        ("RECORDAR 4821", R, "4821"),
        ("remind me about 4821 please", R, "4821"),
        ("MY", Kind.MY, None),
        ("list", Kind.MY, None),
        ("MIS", Kind.MY, None),
        ("LEAVE 4821", L, "4821"),
        ("laeve 4821", L, "4821"),
        ("SALIR 4821", L, "4821"),
        ("cancel 4821", L, "4821"),
        ("CALL 4821", C, "4821"),
        ("LLAMAR 4821", C, "4821"),
        ("TALK", Kind.TALK, None),
        ("HABLAR", Kind.TALK, None),
        ("MORE", Kind.MORE, None),
        ("mroe", Kind.MORE, None),
        ("MAS", Kind.MORE, None),
        ("MÁS", Kind.MORE, None),
        ("más.", Kind.MORE, None),
        ("lol", Kind.UNKNOWN, None),
        ("", Kind.UNKNOWN, None),
        ("   ", Kind.UNKNOWN, None),
        ("😀😀", Kind.UNKNOWN, None),
        ("I'm fine thanks", Kind.UNKNOWN, None),
        ("the end of the week", Kind.UNKNOWN, None),
    ],
)
def test_keywords(body: str, kind: Kind, code: str | None) -> None:
    command = parse(body)
    assert (command.kind, command.code) == (kind, code)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("MY REMINDERS", Kind.MY),
        ("my reminders please", Kind.MY),
        ("My list", Kind.MY),
        ("INFO 4821 thanks", Kind.INFO),
        ("call me", Kind.CALL),
        ("hi there", Kind.MENU),
        ("help me", Kind.HELP),
        ("más resultados", Kind.MORE),
        ("es", Kind.LANGUAGE),
    ],
)
def test_a_keyword_with_its_argument_is_a_command(body: str, kind: Kind) -> None:
    assert parse(body).kind is kind


@pytest.mark.parametrize(
    "body",
    [
        "my husband has a knife and says he will kill me when he gets home",
        "My boyfriend is threatening me",
        "mis papas me pegan",
        "es que ya no puedo mas",
        "help me he is hurting me",
        "more and more i feel like giving up",
        "call the police please he is here",
        "list of reasons i should stay alive is getting short",
        "talk about a bad day",
        "hola mi esposo tiene un cuchillo",
        "leave me alone everyone",
        "info on how much it takes to overdose",
        "remind me why i should live",
        "find out who i can talk to my dad hits me and my mom",
    ],
)
def test_a_sentence_starting_with_a_keyword_is_not_a_command(body: str) -> None:
    assert parse(body).kind is Kind.UNKNOWN


@pytest.mark.parametrize(
    ("body", "zip_code", "words", "state", "tail"),
    [
        ("FIND 94110", "94110", (), None, ()),
        ("94110", "94110", (), None, ()),
        ("FIDN 94110", "94110", (), None, ()),
        ("Find: 94110!", "94110", (), None, ()),
        ("  find\t 94110-1234 ", "94110", (), None, ()),
        ("find94110", "94110", (), None, ()),
        ("FIND anxiety 94110", "94110", ("anxiety",), None, ()),
        ("find a group near 94110 please", "94110", (), None, ()),
        ("BUSCAR 94110", "94110", (), None, ()),
        ("busacr 94110", "94110", (), None, ()),
        ("FIND oakland ca", None, ("oakland",), "CA", ()),
        ("find Oakland, CA", None, ("oakland",), "CA", ()),
        ("find san francisco, ca depression", None, ("san", "francisco"), "CA", ("depression",)),
        ("FIND anxiety", None, ("anxiety",), None, ()),
        ("FIND", None, (), None, ()),
    ],
)
def test_find(
    body: str,
    zip_code: str | None,
    words: tuple[str, ...],
    state: str | None,
    tail: tuple[str, ...],
) -> None:
    command = parse(body)
    assert command.kind is Kind.FIND
    assert (command.zip_code, command.words, command.state, command.tail) == (
        zip_code,
        words,
        state,
        tail,
    )


@pytest.mark.parametrize(
    "body",
    [
        *("STOP", "stop", " Stop. ", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"),
        *("REVOKE", "OPTOUT", "opt out", "stop texting me", "Stop please"),
    ],
)
def test_opt_out_words(body: str) -> None:
    assert parse(body).kind is Kind.STOP


@pytest.mark.parametrize("body", ["START", "start", "UNSTOP", "YES", "yes!", "opt in"])
def test_opt_in_words(body: str) -> None:
    assert parse(body).kind is Kind.START


@pytest.mark.parametrize(
    "body",
    [
        "I can't stop crying",
        "sotp",
        "end it all tonight",
        "quit my job today",
        "yes but",
        "stop hitting me",
        "stop he is hurting me",
    ],
)
def test_opt_out_is_never_guessed(body: str) -> None:
    assert parse(body).kind not in (Kind.STOP, Kind.START)


@pytest.mark.parametrize(
    ("opt_out_type", "kind"), [("STOP", Kind.STOP), ("START", Kind.START), ("HELP", Kind.HELP)]
)
def test_twilio_opt_out_type_wins(opt_out_type: str, kind: Kind) -> None:
    assert parse("ALTO por favor", opt_out_type=opt_out_type).kind is kind


@pytest.mark.parametrize(
    ("body", "language", "spanish"),
    [
        ("EN", "en", False),
        ("English", "en", False),
        ("ES", "es", True),
        ("ESPANOL", "es", True),
        ("Español", "es", True),
        ("spanish", "es", False),
    ],
)
def test_language_words(body: str, language: str, spanish: bool) -> None:
    command = parse(body)
    assert (command.kind, command.language, command.spanish) == (Kind.LANGUAGE, language, spanish)


@pytest.mark.parametrize(
    ("body", "spanish"),
    [("quiero morir", True), ("ya no puedo mas", True), ("I want to die", False), ("hi", False)],
)
def test_looks_spanish(body: str, spanish: bool) -> None:
    assert looks_spanish(body) is spanish


# Deciding -----------------------------------------------------------------------------------

NOW = dt.datetime(2025, 3, 6, 20, 0, tzinfo=dt.UTC)
RULES = flow.LineRules(page_size=3, radius_miles=50, lead_minutes=(1440, 60))
EN = flow.ContactFacts("en", opted_out=False)
ES = flow.ContactFacts("es", opted_out=False)
NEW = flow.ContactFacts("en", opted_out=False, new=True)
OPTED_OUT = flow.ContactFacts("en", opted_out=True)
SF = flow.FindCursor("94110", 37.75, -122.41, "America/Los_Angeles", None)


def meeting(code: str, **values: object) -> flow.MeetingView:
    fields: dict[str, object] = {
        "id": int(code),
        "code": code,
        "name": f"Group {code}",
        "format": "in_person",
        "next_start": dt.datetime(2025, 3, 12, 2, 0, tzinfo=dt.UTC),  # Tue 7pm PDT
        "time_zone": "America/Los_Angeles",
        "distance_miles": 1.25,
    }
    fields.update(values)
    return flow.MeetingView(**fields)  # type: ignore[arg-type]


def decide(
    command: Command,
    contact: flow.ContactFacts = EN,
    lookup: flow.Lookup | None = None,
    conversation: flow.Conversation | None = None,
) -> flow.Decision:
    return flow.decide(
        command,
        contact=contact,
        conversation=conversation or flow.Conversation(),
        lookup=lookup or flow.Lookup(),
        texts=catalog,
        rules=RULES,
    )


def only(decision: flow.Decision) -> str:
    (text,) = decision.replies
    return text


@pytest.mark.parametrize(
    ("body", "contact", "starts"),
    [
        ("HELP", EN, "Hotline: find peer-support groups."),
        ("AYUDA", ES, "Hotline: grupos de apoyo."),
        ("MENU", EN, "Hotline menu:"),
        ("hola", ES, "Menu: BUSCAR"),
        ("gibberish", EN, "Hotline menu:"),
        ("gibberish", ES, "Menu: BUSCAR"),
        ("INFO", EN, "Hotline: find"),
        ("REMIND", EN, "Text REMIND + meeting #"),
        ("RECORDAR", ES, "Envie RECORDAR + numero"),
        ("LEAVE", EN, "Text LEAVE + meeting #"),
        ("SALIR", ES, "Envie SALIR"),
        ("CALL", EN, "Text CALL + meeting #"),
        ("LLAMAR", ES, "Envie LLAMAR"),
        ("MY", EN, "You have no reminders."),
        ("MIS", ES, "No tiene recordatorios."),
        ("INFO 4821", EN, "I don't know meeting #4821."),
        ("INFO 4821", ES, "No conozco la reunion #4821."),
        ("STOP", EN, "Hotline: you will get no more texts."),
        ("STOP", ES, "Hotline: no recibira mas mensajes."),
        ("START", EN, "Hotline menu:"),  # not opted out: nothing to restore
    ],
)
def test_simple_replies_in_both_languages_fit_one_segment(
    body: str, contact: flow.ContactFacts, starts: str
) -> None:
    reply = only(decide(parse(body), contact))
    assert reply.startswith(starts)
    assert count_segments(reply).segments == 1, reply


def test_stop_opts_out_and_names_the_crisis_line() -> None:
    decision = decide(parse("STOP"))
    assert decision.effects == (flow.OptOut(),)
    assert "988" in only(decision)


@pytest.mark.parametrize("body", ["FIND 94110", "HELP", "MENU", "hi", "INFO 4821", "MORE", "x"])
def test_opted_out_gets_nothing(body: str) -> None:
    assert decide(parse(body), OPTED_OUT) == flow.Decision()


def test_opted_out_start_opts_in_and_stop_confirms_again() -> None:
    start = decide(parse("START"), OPTED_OUT)
    assert start.effects == (flow.OptIn(),)
    assert only(start).startswith("Hotline: welcome back")
    stop = decide(parse("STOP"), OPTED_OUT)
    assert stop.effects == ()
    assert "START" in only(stop)


def test_language_switch_answers_in_the_new_language() -> None:
    to_spanish = decide(parse("ESPANOL"), EN)
    assert to_spanish.effects == (effects.SetLanguage("es"),)
    assert only(to_spanish).startswith("Hotline le escribira en espanol.")
    to_english = decide(parse("EN"), ES)
    assert to_english.effects == (effects.SetLanguage("en"),)
    assert only(to_english).startswith("Hotline will text you in English.")


def test_a_new_number_using_a_spanish_keyword_is_answered_and_kept_in_spanish() -> None:
    decision = decide(parse("AYUDA"), NEW)
    assert decision.effects == (effects.SetLanguage("es"),)
    assert only(decision).startswith("Hotline: grupos de apoyo.")
    assert decide(parse("AYUDA"), EN).effects == ()  # a known contact keeps its choice


def test_find_page_and_cursor() -> None:
    found = flow.FindResults(SF, tuple(meeting(code) for code in ("4821", "1234", "5555", "7777")))
    decision = decide(parse("FIND 94110"), lookup=flow.Lookup(find=found))
    assert only(decision).splitlines() == [
        "Groups near 94110:",
        "#4821 Tue 7:00pm Group 4821, 1.2 mi",
        "#1234 Tue 7:00pm Group 1234, 1.2 mi",
        "#5555 Tue 7:00pm Group 5555, 1.2 mi",
        "Reply INFO 4821 for details, MORE for more.",
    ]
    following = flow.FindCursor("94110", 37.75, -122.41, "America/Los_Angeles", None, offset=3)
    assert decision.effects == (flow.SaveConversation(flow.Conversation(find=following)),)


def test_last_page_has_no_more_and_an_empty_page_says_so() -> None:
    page = flow.FindResults(flow.FindCursor(**{**SF.__dict__, "offset": 3}), (meeting("7777"),))
    reply = only(decide(parse("MORE"), lookup=flow.Lookup(find=page)))
    assert reply.splitlines()[0] == "More groups:"
    assert reply.endswith("Reply INFO 7777 for details.")
    empty = flow.FindResults(flow.FindCursor(**{**SF.__dict__, "offset": 6}))
    assert only(decide(parse("MORE"), lookup=flow.Lookup(find=empty))).startswith("No more")


def test_nothing_near_offers_phone_meetings_in_the_searchers_zone_named() -> None:
    phone = meeting(
        "3030",
        format="phone_bridge",
        distance_miles=None,
        time_zone="America/New_York",
        next_start=dt.datetime(2025, 3, 10, 0, 0, tzinfo=dt.UTC),
    )
    found = flow.FindResults(SF, (phone,))
    reply = only(decide(parse("FIND 94110"), lookup=flow.Lookup(find=found)))
    assert reply.splitlines()[:2] == [
        "Nothing within 50 miles of 94110. By phone:",
        "#3030 Sun 5:00pm PDT Group 3030, by phone",  # 8pm in New York, told in SF's time
    ]


def test_a_canadian_place_counts_distance_in_kilometres() -> None:
    belleville = flow.FindCursor("K8N 5W6", 44.17, -77.38, "America/Toronto", None, metric=True)
    near = (meeting("4821", distance_miles=0.7), meeting("1234", distance_miles=8.7))
    found = flow.FindResults(belleville, near)
    reply = only(decide(parse("FIND K8N 5W6"), lookup=flow.Lookup(find=found)))
    lines = reply.splitlines()
    assert lines[1].endswith(", 1.1 km") and lines[2].endswith(", 14 km"), reply
    assert " mi" not in reply
    phone = meeting("3030", format="phone_bridge", distance_miles=None)
    alone = flow.FindResults(belleville, (phone,))
    reply = only(decide(parse("FIND K8N 5W6"), lookup=flow.Lookup(find=alone)))
    assert reply.splitlines()[0] == "Nothing within 80 km of K8N 5W6. By phone:"
    es = only(decide(parse("BUSCAR K8N 5W6"), ES, lookup=flow.Lookup(find=alone)))
    assert es.splitlines()[0] == "Nada a menos de 80 km de K8N 5W6. Por telefono:"
    # A search stored before this field existed reads as miles (MORE keeps working).
    assert flow.FindCursor("94110", 37.75, -122.41, None, None).metric is False


@pytest.mark.parametrize(
    ("fmt", "viewer", "expected"),
    [
        # A phone meeting is told in the reader's zone; in person, in the meeting's, named.
        ("phone_bridge", "America/New_York", "Tue 9:30pm EST"),
        ("phone_bridge", "America/Los_Angeles", "Tue 6:30pm"),
        ("phone_bridge", None, "Tue 6:30pm PST"),
        ("in_person", "America/New_York", "Tue 6:30pm PST"),
        ("in_person", "America/Los_Angeles", "Tue 6:30pm"),
        # After the spring change the same meeting is 6:30pm PDT, 9:30pm EDT.
    ],
)
def test_times_across_zones(fmt: str, viewer: str | None, expected: str) -> None:
    view = meeting(
        "4821",
        format=fmt,
        time_zone="America/Los_Angeles",
        next_start=dt.datetime(2025, 3, 5, 2, 30, tzinfo=dt.UTC),  # Tue 4 March 6:30pm PST
    )
    assert flow.when_label(view, "en", viewer_zone=viewer) == expected
    after_dst = dataclasses.replace(view, next_start=dt.datetime(2025, 3, 12, 1, 30, tzinfo=dt.UTC))
    label = flow.when_label(after_dst, "en", viewer_zone=viewer)
    assert label == expected.replace("PST", "PDT").replace("EST", "EDT")


@pytest.mark.parametrize(
    ("problem", "value", "starts"),
    [
        ("unknown_zip", "00000", "I don't know ZIP 00000."),
        ("unknown_city", "springfield zz", "I don't know the city springfield zz."),
        ("need_state", "oakland", "Which state or province is oakland in?"),
        ("no_place", "", "Text FIND + your ZIP, e.g. FIND 94110"),
        ("no_search", "", "Text FIND + your ZIP first"),
    ],
)
def test_find_problems_are_explained_in_one_segment(problem: str, value: str, starts: str) -> None:
    for contact in (EN, ES):
        found = flow.FindResults(None, problem=problem, problem_value=value)
        reply = only(decide(parse("FIND"), contact, flow.Lookup(find=found)))
        assert count_segments(reply).segments == 1, reply
        if contact is EN:
            assert reply.startswith(starts)
        if problem == "unknown_city":
            # A Canadian town the table lacks ("FIND trenton on") is shown the province form.
            assert "belleville on" in reply, reply


def test_find_results_in_spanish_stay_within_two_segments() -> None:
    long_names = tuple(
        meeting(code, name="Grupo de Apoyo para Familias y Amigos en Español")
        for code in ("4821", "1234", "5555", "7777")
    )
    reply = only(
        decide(parse("BUSCAR 94110"), ES, flow.Lookup(find=flow.FindResults(SF, long_names)))
    )
    assert reply.splitlines()[1] == "#4821 mar 19:00 Grupo de Apoyo para Familias, 1.2 mi"
    assert count_segments(reply).encoding == "GSM-7"
    assert count_segments(reply).segments <= 2


def test_remind_subscribes_and_says_how_often() -> None:
    decision = decide(parse("REMIND 4821"), lookup=flow.Lookup(meeting=meeting("4821")))
    assert decision.effects == (effects.Subscribe(4821),)
    assert only(decision) == (
        "Reminders on for #4821 Group 4821: a day and an hour before. Text LEAVE 4821 to stop."
    )
    spanish = decide(parse("RECORDAR 4821"), ES, flow.Lookup(meeting=meeting("4821")))
    assert only(spanish) == (
        "Recordatorios para #4821 Group 4821: un dia y una hora antes. Envie SALIR 4821 para parar."
    )
    again = decide(
        parse("REMIND 4821"), lookup=flow.Lookup(meeting=meeting("4821"), subscribed=True)
    )
    assert again.effects == ()


@pytest.mark.parametrize(
    ("minutes", "phrase"),
    [
        ((1440, 60), "a day and an hour"),
        ((60, 1440), "a day and an hour"),
        ((30,), "30 minutes"),
        ((2880, 120, 15), "2 days, 2 hours and 15 minutes"),
    ],
)
def test_lead_phrase(minutes: tuple[int, ...], phrase: str) -> None:
    assert flow.lead_phrase(minutes, catalog("en")) == phrase


def test_leave_only_ends_an_existing_subscription() -> None:
    subscribed = flow.Lookup(meeting=meeting("4821"), subscribed=True)
    decision = decide(parse("LEAVE 4821"), lookup=subscribed)
    assert decision.effects == (effects.Unsubscribe(4821),)
    assert only(decision).startswith("Reminders off for #4821.")
    none = decide(parse("LEAVE 4821"), lookup=flow.Lookup(meeting=meeting("4821")))
    assert none.effects == ()
    assert only(none).startswith("You had no reminders for #4821.")


def test_my_lists_reminders() -> None:
    lookup = flow.Lookup(subscriptions=(meeting("4821"), meeting("1234")))
    assert only(decide(parse("MY"), lookup=lookup)).splitlines() == [
        "Your reminders:",
        "#4821 Group 4821, Tue 7:00pm PDT",
        "#1234 Group 1234, Tue 7:00pm PDT",
        "Text LEAVE + # to stop one.",
    ]


def test_info_for_each_way_to_join() -> None:
    hosted = meeting("3030", format="phone_bridge", has_pin=True, notes="Be kind.")
    reply = only(
        decide(parse("INFO 3030"), lookup=flow.Lookup(meeting=hosted, line_number="(500) 555-0006"))
    )
    assert reply == (
        "#3030 Group 3030. Tue 7:00pm PDT. Join: call (500) 555-0006 and enter 3030#."
        " A PIN is needed: ask the group. Be kind."
    )
    external = meeting("6060", format="external_bridge", dial_in="(415) 555-0100", dial_digits="9#")
    assert "Join: call (415) 555-0100, then enter 9#." in only(
        decide(parse("INFO 6060"), lookup=flow.Lookup(meeting=external))
    )
    street = meeting("4821", address="3150 18th St, San Francisco")
    assert "At 3150 18th St, San Francisco." in only(
        decide(parse("INFO 4821"), lookup=flow.Lookup(meeting=street))
    )


def test_info_names_every_day_of_a_meeting_on_several_days() -> None:
    weekly = meeting("4821")
    assert only(decide(parse("INFO 4821"), lookup=flow.Lookup(meeting=weekly))) == (
        "#4821 Group 4821. Tue 7:00pm PDT."
    )
    # Tuesday first: the next start is told, then the days it meets (Monday is 0).
    several = meeting("4822", weekdays=(1, 3, 4))
    assert only(decide(parse("INFO 4822"), lookup=flow.Lookup(meeting=several))) == (
        "#4822 Group 4822. Tue 7:00pm PDT. Every Tue, Thu, Fri."
    )
    daily = meeting("4823", weekdays=tuple(range(7)))
    assert only(decide(parse("INFO 4823"), lookup=flow.Lookup(meeting=daily))).endswith(
        "Tue 7:00pm PDT. Every day."
    )
    spanish = decide(parse("INFO 4822"), contact=ES, lookup=flow.Lookup(meeting=several))
    assert only(spanish).endswith(" Cada mar, jue, vie.")
    assert only(decide(parse("INFO 4823"), contact=ES, lookup=flow.Lookup(meeting=daily))).endswith(
        " Todos los dias."
    )


def test_info_days_move_with_the_zone_a_phone_meeting_is_told_in() -> None:
    # 10pm Sunday, Wednesday in Los Angeles is 1am Monday, Thursday in New York.
    late = meeting(
        "3030",
        format="phone_bridge",
        next_start=dt.datetime(2025, 3, 17, 5, 0, tzinfo=dt.UTC),  # Sun 10pm PDT
        weekdays=(2, 6),
    )
    east = flow.Lookup(meeting=late, line_number="(500) 555-0006", viewer_zone="America/New_York")
    assert only(decide(parse("INFO 3030"), lookup=east)).startswith(
        "#3030 Group 3030. Mon 1:00am EDT. Every Mon, Thu. Join:"
    )
    here = flow.Lookup(meeting=late, line_number="(500) 555-0006")
    assert "Sun 10:00pm PDT. Every Wed, Sun. Join:" in only(decide(parse("INFO 3030"), lookup=here))
    # In person, the days are the meeting's wherever the reader is.
    hall = dataclasses.replace(late, format="in_person")
    near = flow.Lookup(meeting=hall, viewer_zone="America/New_York")
    assert "Sun 10:00pm PDT. Every Wed, Sun." in only(decide(parse("INFO 3030"), lookup=near))


def test_info_tells_one_tap_digits_without_their_pauses() -> None:
    # The published feeds write "+1 669 900 6833,,1234567890#": a person keys 1234567890#.
    bridge = meeting(
        "6060", format="external_bridge", dial_in="(669) 900-6833", dial_digits=",,1234567890#"
    )
    reply = only(decide(parse("INFO 6060"), lookup=flow.Lookup(meeting=bridge)))
    assert "Join: call (669) 900-6833, then enter 1234567890#." in reply
    assert "," * 2 not in reply
    only_pauses = meeting(
        "6061", format="external_bridge", dial_in="(669) 900-6833", dial_digits=",,"
    )
    assert "Join: call (669) 900-6833." in only(
        decide(parse("INFO 6061"), lookup=flow.Lookup(meeting=only_pauses))
    )


def test_info_cuts_a_long_note_to_two_segments() -> None:
    wordy = meeting("4821", notes="We share and listen. " * 40)
    reply = only(decide(parse("INFO 4821"), lookup=flow.Lookup(meeting=wordy)))
    assert reply.endswith("...")
    assert count_segments(reply).segments == 2


def test_call_and_talk_effects() -> None:
    bridge = meeting("3030", format="phone_bridge")
    call = decide(parse("CALL 3030"), lookup=flow.Lookup(meeting=bridge))
    assert call.effects == (flow.QueueJoinCall(3030),)
    external = meeting("6060", format="external_bridge", dial_in="(415) 555-0100")
    assert decide(parse("CALL 6060"), lookup=flow.Lookup(meeting=external)).effects == (
        flow.QueueJoinCall(6060),
    )
    assert decide(parse("TALK")).effects == (effects.RequestCallback(),)
    assert decide(parse("TALK"), lookup=flow.Lookup(talk_open=True)).effects == ()


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Anxiety Circle", "Anxiety Circle"),
        ("Grupo de apoyo en espanol para familias", "Grupo de apoyo en espanol"),
        ("Depression and Bipolar Support Alliance", "Depression and Bipolar"),
        ("Supercalifragilisticexpialidocious Group", "Supercalifragilisticexpialid"),
    ],
)
def test_shorten_cuts_at_a_word_without_a_dangling_joiner(name: str, short: str) -> None:
    assert names.shorten(name, 28) == short


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Depression Support (Downtown, 1.6 mi from BART)", "Depression Support"),
        ("Grief Group (Downtown)", "Grief Group (Downtown)"),  # fits: kept whole
        ("Depression Support Group of Oakland (Downtown)", "Depression Support Group"),
        ("Depression Support (Downtown, 1.6 mi) Thursdays", "Depression Support"),
        ("Anxiety (Mon) Circle for Young Adults", "Anxiety (Mon) Circle"),
        ("(Online) Bipolar and Depression Peer Support", "(Online) Bipolar"),
        ("Peer Support Circle (a group for (nested) asides)", "Peer Support Circle"),
    ],
)
def test_shorten_drops_a_trailing_aside_before_cutting_at_a_word(name: str, short: str) -> None:
    assert names.shorten(name, 28) == short


def test_gsm_safe_keeps_names_in_gsm7() -> None:
    assert names.gsm_safe("“Café” Niños – Más") == '"Café" Niños - Mas'
    assert count_segments(names.gsm_safe("Grupo de Sanación 💙")).encoding == "GSM-7"


def test_crisis_reply_says_someone_is_alerted_only_when_escalated() -> None:
    assert "alerting" not in flow.catalog_crisis_reply(catalog("en"), escalated=False)
    assert "alerting someone" in flow.catalog_crisis_reply(catalog("en"), escalated=True)
    for language in ("en", "es"):
        assert (
            count_segments(flow.catalog_crisis_reply(catalog(language), escalated=True)).segments
            == 1
        )


def test_every_catalog_key_exists_in_both_languages() -> None:
    def keys(language: str) -> set[str]:
        return {key for key in catalog(language).strings if key.startswith("sms.")}

    assert keys("en") == keys("es")


@pytest.mark.parametrize(
    ("name", "texted", "gsm"),
    [
        ("Grupo de Oración", "Grupo de Oracion", True),  # one ó would need UCS-2: folded
        ("Grupo de Apoyo en Español", "Grupo de Apoyo en Español", True),  # ñ is GSM-7
        ("Ærø Œuvre", "Ærø OEuvre", True),
        ("“Hope” – Łódź", '"Hope" - Lodz', True),
        ("希望の会", "希望の会", False),  # no plain letters say it: kept, sent as UCS-2
        ("Надежда", "Надежда", False),
        ("🌈✨", "meeting 4821", True),  # nothing textable: never an empty name
    ],
)
def test_names_survive_a_flip_phone(name: str, texted: str, gsm: bool) -> None:
    view = meeting("4821", name=name)
    found = flow.FindResults(SF, (view,))
    reply = only(decide(parse("FIND 94110"), lookup=flow.Lookup(find=found)))
    info = only(decide(parse("INFO 4821"), lookup=flow.Lookup(meeting=view)))

    assert f"#4821 Tue 7:00pm {texted}, 1.2 mi" in reply.splitlines()
    assert info.startswith(f"#4821 {texted}. Tue 7:00pm PDT.")
    assert (count_segments(info).encoding == "GSM-7") is gsm


@pytest.mark.parametrize("format_", ["in_person", "online"])
@pytest.mark.parametrize("contact", [EN, ES])
def test_call_for_a_meeting_not_on_a_phone_bridge_says_so_and_offers_info(
    format_: str, contact: flow.ContactFacts
) -> None:
    decision = decide(
        parse("CALL 9420"), contact, lookup=flow.Lookup(meeting=meeting("9420", format=format_))
    )
    assert decision.effects == ()
    (reply,) = decision.replies
    assert "INFO 9420" in reply and "#9420" in reply
    assert "now" not in reply.lower().split("9420")[0]  # never "Calling you now"
    assert count_segments(reply).segments == 1
