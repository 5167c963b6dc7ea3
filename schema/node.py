import strawberry


@strawberry.interface(description="An object with an opaque global ID.")
class Node:
    id: strawberry.ID
