"""Reply templates that refer citizens to the secure channel of their country.

Denmark: Digital Post (borger.dk) and e-Boks; Norway: Digipost and eBoks; Sweden: Mina meddelanden.
"""

from __future__ import annotations

from rettesnor.archive.errors import InvalidValue

SECURE_CHANNEL = {
    "DK": {"da": "Digital Post på borger.dk eller e-Boks", "en": "Digital Post at borger.dk or e-Boks"},
    "NO": {"nb": "Digipost eller eBoks", "en": "Digipost or eBoks"},
    "SE": {"sv": "Mina meddelanden", "en": "Mina meddelanden (the secure digital mailbox)"},
}
COUNTRY_LANGUAGE = {"DK": "da", "NO": "nb", "SE": "sv"}

TEMPLATES: dict[str, dict[str, str]] = {
    # The comment shows personal data: it was hidden, and the person is asked to write securely.
    "personal_data": {
        "da": "Tak for din henvendelse. Vi har skjult din kommentar, fordi den indeholder personlige "
        "oplysninger. Skriv venligst til {org} via {channel}, så vi kan hjælpe dig sikkert.",
        "nb": "Takk for henvendelsen. Vi har skjult kommentaren din fordi den inneholder personopplysninger. "
        "Send oss gjerne en melding via {channel}, så hjelper vi deg på en sikker måte. Hilsen {org}",
        "sv": "Tack för att du hör av dig. Vi har dolt din kommentar eftersom den innehåller "
        "personuppgifter. Skriv gärna till {org} via {channel}, så hjälper vi dig på ett säkert sätt.",
        "en": "Thank you for writing. We have hidden your comment because it contains personal data. "
        "Please write to {org} through {channel} so that we can help you securely.",
    },
    # A question that needs case handling: send a formal inquiry (Hustadvika 1d, 2m).
    "case_inquiry": {
        "da": "Tak for dit spørgsmål. Det kræver sagsbehandling, og det kan vi ikke gøre her. "
        "Send venligst din henvendelse til {org} via {channel}, så bliver den registreret og besvaret.",
        "nb": "Takk for spørsmålet. Dette krever saksbehandling, og det kan vi ikke gjøre her. "
        "Send en formell henvendelse til {org} via {channel}, så blir den journalført og besvart.",
        "sv": "Tack för din fråga. Den behöver handläggas, och det kan vi inte göra här. "
        "Skicka ditt ärende till {org} via {channel}, så registreras det och du får svar.",
        "en": "Thank you for your question. It needs case handling, which we cannot do here. "
        "Please send your inquiry to {org} through {channel}; it will be registered and answered.",
    },
    # A complaint: it stands and is registered; the citizen may also send it securely (Hjørring).
    "complaint": {
        "da": "Tak for din klage. Vi sørger for, at den bliver registreret. "
        "Hvis du vil sende flere oplysninger, så skriv til {org} via {channel}.",
        "nb": "Takk for klagen. Vi sørger for at den blir registrert. Vil du sende flere opplysninger, "
        "skriv til {org} via {channel}.",
        "sv": "Tack för ditt klagomål. Vi ser till att det registreras. Vill du skicka fler uppgifter, "
        "skriv till {org} via {channel}.",
        "en": "Thank you for your complaint. We will make sure it is registered. To send more details, "
        "write to {org} through {channel}.",
    },
}


def reply_text(template: str, country: str, org_name: str, lang: str | None = None) -> str:
    """The template in ``lang`` (default: the country's language), naming the country's secure channel."""
    texts = TEMPLATES.get(template)
    if texts is None:
        raise InvalidValue(f"unknown reply template {template!r}; choose one of: {', '.join(TEMPLATES)}")
    language = lang or COUNTRY_LANGUAGE.get(country, "en")
    if language not in texts:
        raise InvalidValue(f"no reply template in {language!r}; choose one of: {', '.join(texts)}")
    channels = SECURE_CHANNEL.get(country, SECURE_CHANNEL["DK"])
    channel = channels.get(language, channels["en"])
    return texts[language].format(org=org_name, channel=channel)
