"""Who reads which document, asked of the services directly: another family's child or document
is NOT_FOUND, exactly like a missing one; staff read their whole school's."""

import pytest

from models.accounts import Role
from services.common.errors import NotFound
from services.documents import access
from services.documents.publishing import Audience
from services.sql.uow import Transactions
from tests.factories import actor_for, make_document, make_family, make_school, make_user, pk


async def test_a_parent_reads_their_own_childrens_documents_only(tx: Transactions) -> None:
    school = await make_school(tx)
    mine, theirs = await make_family(tx, school), await make_family(tx, school)
    me = actor_for(mine.parent)
    own = await make_document(tx, school, Audience(child_id=pk(mine.child)))
    other = await make_document(tx, school, Audience(child_id=pk(theirs.child)))

    page = await tx.read(lambda s: access.child_documents(s, me, pk(mine.child)))
    assert [view.document.id for view in page.items] == [own.id]
    with pytest.raises(NotFound) as refused:
        await tx.read(lambda s: access.child_documents(s, me, pk(theirs.child)))
    assert refused.value.field == "childId"
    assert (await tx.read(lambda s: access.document_for(s, me, pk(own)))).read is False
    with pytest.raises(NotFound):
        await tx.read(lambda s: access.document_for(s, me, pk(other)))
    with pytest.raises(NotFound):
        await tx.run(lambda uow: access.mark_read(uow, me, pk(other)))
    unread = await tx.read(
        lambda s: access.latest_unread_documents(s, me, [pk(mine.child), pk(theirs.child)])
    )
    assert {child: [d.id for d in found] for child, found in unread.items()} == {
        pk(mine.child): [own.id],
        pk(theirs.child): [],
    }


async def test_staff_read_their_schools_documents_and_teachers_none(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    document = await make_document(tx, school, Audience(child_id=pk(family.child)))
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    teacher = actor_for(await make_user(tx, school, Role.TEACHER))

    page = await tx.read(lambda s: access.child_documents(s, staff, pk(family.child)))
    assert [view.document.id for view in page.items] == [document.id]
    with pytest.raises(NotFound):
        await tx.read(lambda s: access.child_documents(s, teacher, pk(family.child)))
    with pytest.raises(NotFound):
        await tx.read(lambda s: access.document_for(s, teacher, pk(document)))
