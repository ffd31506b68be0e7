"""Password policy: length only (NIST 800-63), and the most common passwords refused."""

from app.errors import Invalid

COMMON_PASSWORDS = frozenset(
    """
    1234567890 0123456789 12345678910 1q2w3e4r5t 1qaz2wsx3edc qwertyuiop azertyuiop password1 password12
    password123 password1234 passw0rd123 motdepasse motdepasse1 motdepasse123 iloveyou12 qwerty1234
    qwerty12345 qwerty123456 azerty1234 azerty12345 azerty123456 abcdefghij abcd123456 abc1234567
    1111111111 0000000000 2222222222 9876543210 aaaaaaaaaa letmein123 welcome123 welcome1234 bienvenue1
    bienvenue123 soleil1234 football12 baseball12 sunshine12 princess12 dragon1234 monkey1234 master1234
    administrator admin12345 admin123456 changeme123 trustno1234 superman12 starwars12 computer12
    """.split()
)


def check_password_strength(password: str) -> None:
    if password.lower() in COMMON_PASSWORDS:
        raise Invalid([{"loc": ["body", "password"], "msg": "This password is too common", "type": "value_error"}])
