"""qualitycheck: text-quality and corruption detector for scraped news."""
