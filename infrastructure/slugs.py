"""Slugs that no row has yet."""


def unique_slug(model, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first that no ``model`` row has as its slug."""
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
