"""What pages share: the signed-in member and locale, redirects and flash messages, forms, error pages."""
