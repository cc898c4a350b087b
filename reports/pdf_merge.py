"""One PDF from the parts of a report rendered in parts (reports/parts.py): the pages in order, the links of
the contents, the bookmarks, the parts' tags joined into one structure tree, and each chapter page's number
stamped at its foot, so the merged report stays a tagged PDF with the first part's title, language and
metadata (docs/reports.md says what merging keeps).

The merge streams: one part is parsed at a time (pypdf reads it), its objects renumbered by an offset and
written straight out, non-stream objects packed into compressed object streams. Only the part being copied
and the small joining tables (pages, parent tree keys, bookmarks, destinations) are held, so memory no
longer grows with the number of parts; pypdf's PdfWriter held every part's objects at once (about 250 MB
for 42 projects).

Every part is a tagged PDF from WeasyPrint: a structure tree whose root holds one Document element, a flat
parent tree numbering each page's marked content and each link, one page tree, a flat name tree of
destinations and an outline of its headings."""

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

OBJECTS_PER_STREAM = 200
# A stamp's content is a page number: an artifact of pagination, outside the structure tree (PDF/UA).
STAMP_BEGIN = b"q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
STAMP_END = b"\nEMC\nQ\n"
RESOURCE_KINDS = ("/Font", "/ExtGState", "/XObject", "/ColorSpace", "/Pattern", "/Shading")


@dataclass
class _Part:
    reader: PdfReader
    offset: int
    first_page: int
    dropped: set[int] = field(default_factory=set)

    def ref(self, reference) -> IndirectObject:
        return IndirectObject(reference.idnum + self.offset, 0, None)


def merge_pdfs(parts: list[bytes], stamps: bytes | None = None) -> bytes:
    """The parts as one PDF. The first part (cover, contents) links to anchors of the later ones, which
    win over its own placeholders of the same names. `stamps`, when given, is a PDF of one page per page of
    the later parts, each holding only what is stamped on that page (its number)."""
    output = io.BytesIO()
    _Merge(parts, stamps, output).run()
    return output.getvalue()


class _Merge:
    def __init__(self, parts: list[bytes], stamps: bytes | None, output):
        self.parts, self.stamps, self.out = parts, stamps, output
        self.offsets: dict[int, tuple[int, int, int]] = {}  # id: (type, offset or stream id, index)
        self.pending: list[tuple[int, bytes]] = []

    def run(self) -> None:
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        sizes = [int(PdfReader(io.BytesIO(part)).trailer["/Size"]) for part in self.parts]
        stamp_size = int(PdfReader(io.BytesIO(self.stamps)).trailer["/Size"]) if self.stamps else 0
        self.next_id = 1 + sum(sizes) + stamp_size
        self.pages_id, self.root_id, self.tree_id, self.document_id = self._new_ids(4)
        self.outline_id = self._new_ids(1)[0]
        self.page_refs: list[IndirectObject] = []
        self.numbers = ArrayObject()  # the parent tree, renumbered part after part
        self.destinations: dict[str, ArrayObject] = {}
        self.document_kids = ArrayObject()
        self.outline_items: list[tuple[IndirectObject, DictionaryObject]] = []  # top level, in order
        self.outline_count = 0
        stamp_part = None
        if self.stamps:
            stamp_part = _Part(PdfReader(io.BytesIO(self.stamps)), offset=sum(sizes), first_page=0)
            self._copy_stamps(stamp_part)
        offset, catalog, info = 0, None, None
        for index, content in enumerate(self.parts):
            part = _Part(PdfReader(io.BytesIO(content)), offset=offset, first_page=len(self.page_refs))
            stamping = stamp_part if index > 0 else None
            if index == 0:
                catalog, info = self._front_catalog(part)
            self._copy_part(part, stamping)
            offset += sizes[index]
        self._write_joins(catalog)
        self._finish(info)

    def _new_ids(self, count: int) -> list[int]:
        ids = list(range(self.next_id, self.next_id + count))
        self.next_id += count
        return ids

    # Copying a part ------------------------------------------------------------------------------------

    def _copy_part(self, part: _Part, stamps: "_Part | None") -> None:
        reader = part.reader
        catalog = reader.trailer["/Root"]
        part.dropped |= {reader.trailer.raw_get("/Root").idnum}
        if part.first_page and "/Info" in reader.trailer:
            part.dropped.add(reader.trailer.raw_get("/Info").idnum)
        if part.first_page and "/Metadata" in catalog:
            part.dropped.add(catalog.raw_get("/Metadata").idnum)
        part.dropped |= set(_page_tree_ids(catalog.raw_get("/Pages")))
        self._take_destinations(part, catalog)
        self._take_outline(part, catalog)
        keys = self._take_structure(part, catalog)
        page_ids = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
        for idnum in _object_ids(reader):
            if idnum in part.dropped:
                continue
            obj = reader.get_object(idnum)
            if obj is None:
                continue
            if isinstance(obj, DictionaryObject):
                if obj.get("/Type") in ("/XRef", "/ObjStm"):
                    continue
                if idnum in page_ids:
                    self._fix_page(part, obj, keys, stamps)
                elif "/StructParent" in obj:
                    obj[NameObject("/StructParent")] = NumberObject(keys[int(obj["/StructParent"])])
                parent = dict.get(obj, "/P") if "/S" in obj else None
                if isinstance(parent, IndirectObject) and parent.idnum in part.dropped:
                    obj[NameObject("/P")] = IndirectObject(self.document_id - part.offset, 0, None)
            self._put(idnum + part.offset, _renumbered(obj, part))

    def _fix_page(self, part: _Part, page, keys: dict[int, int], stamps) -> None:
        """A page of a part, before its references are renumbered: in the merged page tree, with its parent
        tree key, and, on a chapter's page, its stamp drawn over it."""
        page[NameObject("/Parent")] = IndirectObject(self.pages_id - part.offset, 0, None)
        if "/StructParents" in page:
            page[NameObject("/StructParents")] = NumberObject(keys[int(page["/StructParents"])])
        merged_number = len(self.page_refs)
        self.page_refs.append(IndirectObject(page.indirect_reference.idnum + part.offset, 0, None))
        if stamps is None:
            return
        contents, stamp_resources = self.stamp_pages[merged_number - self.front_pages]
        back = -part.offset  # the stamp's objects are numbered already: undo the part's offset to come
        original = page.raw_get("/Contents")
        originals = list(original) if isinstance(original, ArrayObject) else [original]
        page[NameObject("/Contents")] = ArrayObject(
            [
                IndirectObject(self.open_id + back, 0, None),
                *originals,
                IndirectObject(self.close_id + back, 0, None),
                IndirectObject(contents + back, 0, None),
            ]
        )
        resources = DictionaryObject(page["/Resources"].items())
        for kind, names in stamp_resources.items():
            kind_dict = DictionaryObject(resources[kind].items()) if kind in resources else DictionaryObject()
            for name, value in names.items():
                is_object = isinstance(value, int)
                kind_dict[NameObject(name)] = IndirectObject(value + back, 0, None) if is_object else value
            resources[NameObject(kind)] = kind_dict
        page[NameObject("/Resources")] = resources

    # Stamps ----------------------------------------------------------------------------------------------

    def _copy_stamps(self, stamps: _Part) -> None:
        """Write the stamp PDF's shared objects (its font) once, and each page's content marked as an
        artifact, its resources renamed so they never clash with the page's own."""
        self.stamp_pages = []
        self.open_id, self.close_id = self._new_ids(2)
        self._put(self.open_id, _stream(b"q\n"))
        self._put(self.close_id, _stream(b"\nQ\n"))
        reader = stamps.reader
        needed: set[int] = set()
        for page in reader.pages:
            resources = page["/Resources"]
            renamed: dict[str, dict] = {}
            data = page.get_contents().get_data()
            for kind in RESOURCE_KINDS:
                if kind not in resources:
                    continue
                names = {}
                for name, value in resources[kind].get_object().items():
                    if isinstance(value, IndirectObject):
                        names[f"/Stamp{name[1:]}"] = value.idnum + stamps.offset
                        needed.add(value.idnum)
                    elif any(_references(value)):
                        raise ValueError(f"A stamp's resource {name} refers to other objects: not expected")
                    else:
                        names[f"/Stamp{name[1:]}"] = value
                    pattern = re.escape(name.encode()) + rb"(?=[\s/\[<(])"
                    data = re.sub(pattern, f"/Stamp{name[1:]}".encode(), data)
                renamed[kind] = names
            content_id = self._new_ids(1)[0]
            self._put(content_id, _stream(STAMP_BEGIN + data + STAMP_END))
            self.stamp_pages.append((content_id, renamed))
        for idnum in _closure(reader, needed):
            self._put(idnum + stamps.offset, _renumbered(reader.get_object(idnum), stamps))

    # Joining tables -----------------------------------------------------------------------------------

    def _front_catalog(self, part: _Part):
        self.front_pages = len(part.reader.pages)
        catalog = DictionaryObject()
        for key, value in part.reader.trailer["/Root"].items():
            if key not in ("/Pages", "/Outlines", "/Names", "/Dests", "/StructTreeRoot"):
                catalog[NameObject(key)] = _renumbered(value, part)
        info = part.reader.trailer.raw_get("/Info")
        return catalog, (part.ref(info) if info is not None else None)

    def _take_destinations(self, part: _Part, catalog) -> None:
        names = catalog.get("/Names")
        if names is None:
            return
        if catalog.raw_get("/Names").__class__ is IndirectObject:
            part.dropped.add(catalog.raw_get("/Names").idnum)
        tree = names.get("/Dests")
        if tree is None:
            return
        if isinstance(names.raw_get("/Dests"), IndirectObject):
            part.dropped.add(names.raw_get("/Dests").idnum)
        if "/Kids" in tree:
            raise ValueError("A part's destinations are a name tree of several nodes: not expected")
        pairs = tree["/Names"]
        for index in range(0, len(pairs), 2):
            self.destinations[str(pairs[index])] = _renumbered(pairs[index + 1].get_object(), part)

    def _take_outline(self, part: _Part, catalog) -> None:
        if "/Outlines" not in catalog:
            return
        root_ref = catalog.raw_get("/Outlines")
        part.dropped.add(root_ref.idnum)
        root = root_ref.get_object()
        item_ref = dict.get(root, "/First")
        while item_ref is not None:
            item = item_ref.get_object()
            following = dict.get(item, "/Next")
            part.dropped.add(item_ref.idnum)  # written again, linked into the merged outline's top level
            self.outline_items.append((part.ref(item_ref), _renumbered(item, part)))
            item_ref = following
        self.outline_count += int(root.get("/Count", 0))

    def _take_structure(self, part: _Part, catalog) -> dict[int, int]:
        """The part's Document element's children join the merged Document; its parent tree's keys are
        numbered on from the parts before it. Returns old key: new key."""
        tree_ref = catalog.raw_get("/StructTreeRoot")
        tree = tree_ref.get_object()
        part.dropped.add(tree_ref.idnum)
        document_ref = tree["/K"][0] if isinstance(tree["/K"], ArrayObject) else tree.raw_get("/K")
        part.dropped.add(document_ref.idnum)
        self.document_kids.extend(part.ref(kid) for kid in document_ref.get_object()["/K"])
        parent_tree_ref = tree.raw_get("/ParentTree")
        parent_tree = parent_tree_ref.get_object()
        if isinstance(parent_tree_ref, IndirectObject):
            part.dropped.add(parent_tree_ref.idnum)
        if "/Kids" in parent_tree:
            raise ValueError("A part's parent tree has several nodes: not expected")
        entries = parent_tree.raw_get("/Nums")
        if isinstance(entries, IndirectObject):
            part.dropped.add(entries.idnum)
        entries = entries.get_object()
        keys = {}
        for index in range(0, len(entries), 2):
            keys[int(entries[index])] = len(self.numbers) // 2
            self.numbers.extend([NumberObject(len(self.numbers) // 2), _renumbered(entries[index + 1], part)])
        return keys

    def _write_joins(self, catalog: DictionaryObject) -> None:
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(self.page_refs),
                NameObject("/Count"): NumberObject(len(self.page_refs)),
            }
        )
        self._put(self.pages_id, pages)
        document = IndirectObject(self.document_id, 0, None)
        self._put(
            self.document_id,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructElem"),
                    NameObject("/S"): NameObject("/Document"),
                    NameObject("/P"): IndirectObject(self.tree_id, 0, None),
                    NameObject("/K"): self.document_kids,
                }
            ),
        )
        self._put(
            self.tree_id,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructTreeRoot"),
                    NameObject("/K"): ArrayObject([document]),
                    NameObject("/ParentTree"): DictionaryObject({NameObject("/Nums"): self.numbers}),
                    NameObject("/ParentTreeNextKey"): NumberObject(len(self.numbers) // 2),
                }
            ),
        )
        outline = IndirectObject(self.outline_id, 0, None)
        for index, (reference, item) in enumerate(self.outline_items):
            item[NameObject("/Parent")] = outline
            item.pop(NameObject("/Prev"), None)
            item.pop(NameObject("/Next"), None)
            if index:
                item[NameObject("/Prev")] = self.outline_items[index - 1][0]
            if index + 1 < len(self.outline_items):
                item[NameObject("/Next")] = self.outline_items[index + 1][0]
            self._put(reference.idnum, item)
        root = DictionaryObject({NameObject("/Count"): NumberObject(self.outline_count)})
        if self.outline_items:
            root[NameObject("/First")] = self.outline_items[0][0]
            root[NameObject("/Last")] = self.outline_items[-1][0]
        self._put(self.outline_id, root)
        names = ArrayObject()
        for name in sorted(self.destinations):
            names.extend([_text(name), self.destinations[name]])
        catalog[NameObject("/Type")] = NameObject("/Catalog")
        catalog[NameObject("/Pages")] = IndirectObject(self.pages_id, 0, None)
        catalog[NameObject("/StructTreeRoot")] = IndirectObject(self.tree_id, 0, None)
        catalog[NameObject("/Outlines")] = outline
        catalog[NameObject("/Names")] = DictionaryObject(
            {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): names})}
        )
        self._put(self.root_id, catalog)

    # Writing -------------------------------------------------------------------------------------------

    def _put(self, idnum: int, obj) -> None:
        if isinstance(obj, StreamObject):
            self.offsets[idnum] = (1, self.out.tell(), 0)
            self.out.write(b"%d 0 obj\n" % idnum)
            obj.write_to_stream(self.out)
            self.out.write(b"\nendobj\n")
            return
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        self.pending.append((idnum, buffer.getvalue()))
        if len(self.pending) >= OBJECTS_PER_STREAM:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        stream_id = self._new_ids(1)[0]
        header, body = [], io.BytesIO()
        for index, (idnum, data) in enumerate(self.pending):
            header.append(b"%d %d" % (idnum, body.tell()))
            body.write(data + b"\n")
            self.offsets[idnum] = (2, stream_id, index)
        head = b" ".join(header) + b"\n"
        content = zlib.compress(head + body.getvalue(), 6)
        self.offsets[stream_id] = (1, self.out.tell(), 0)
        self.out.write(
            b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (stream_id, len(self.pending), len(head), len(content))
        )
        self.out.write(content + b"\nendstream\nendobj\n")
        self.pending = []

    def _finish(self, info) -> None:
        self._flush()
        xref_id = self._new_ids(1)[0]
        size = xref_id + 1
        self.offsets[xref_id] = (1, self.out.tell(), 0)
        rows = bytearray()
        for idnum in range(size):
            kind, value, index = self.offsets.get(idnum, (0, 0, 0))
            rows += bytes([kind]) + value.to_bytes(4, "big") + index.to_bytes(2, "big")
        content = zlib.compress(bytes(rows), 6)
        trailer = b"/Root %d 0 R" % self.root_id
        if info is not None:
            trailer += b" /Info %d 0 R" % info.idnum
        self.out.write(
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Filter /FlateDecode /Length %d %s >>\nstream\n"
            % (xref_id, size, len(content), trailer)
        )
        self.out.write(content + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % self.offsets[xref_id][1])


def _object_ids(reader: PdfReader) -> Iterator[int]:
    ids = set(reader.xref_objStm)
    for generation in reader.xref.values():
        ids |= set(generation)
    return iter(sorted(ids))


def _page_tree_ids(reference) -> Iterator[int]:
    node = reference.get_object()
    if node.get("/Type") != "/Pages":
        return
    yield reference.idnum
    for kid in node["/Kids"]:
        yield from _page_tree_ids(kid)


def _renumbered(obj, part: _Part):
    """The object with every reference moved by the part's offset: a copy, as the part's reader may read
    the original again; a stream's own dictionary is changed in place (a stream is read once)."""
    if isinstance(obj, IndirectObject):
        return IndirectObject(obj.idnum + part.offset, 0, None)
    if isinstance(obj, StreamObject):
        for key, value in list(obj.items()):
            if isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                dict.__setitem__(obj, key, _renumbered(value, part))
        return obj
    if isinstance(obj, DictionaryObject):
        copy = DictionaryObject()
        for key, value in dict.items(obj):
            is_container = isinstance(value, IndirectObject | DictionaryObject | ArrayObject)
            dict.__setitem__(copy, key, _renumbered(value, part) if is_container else value)
        return copy
    if isinstance(obj, ArrayObject):
        containers = IndirectObject | DictionaryObject | ArrayObject
        return ArrayObject(_renumbered(v, part) if isinstance(v, containers) else v for v in obj)
    return obj


def _references(obj) -> Iterator[int]:
    if isinstance(obj, IndirectObject):
        yield obj.idnum
    elif isinstance(obj, DictionaryObject):
        for value in obj.values():
            yield from _references(value)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            yield from _references(value)


def _closure(reader: PdfReader, ids: set[int]) -> list[int]:
    """Every object reachable from `ids`, in order."""
    seen, stack = set(), list(ids)
    while stack:
        idnum = stack.pop()
        if idnum in seen:
            continue
        seen.add(idnum)
        stack.extend(_references(reader.get_object(idnum)))
    return sorted(seen)


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream


def _text(value: str):
    from pypdf.generic import create_string_object

    return create_string_object(value)
