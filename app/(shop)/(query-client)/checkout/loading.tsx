import { ListSkeleton } from "@/components/shop/page-skeletons";

export default function Loading() {
  return <ListSkeleton label="Loading checkout" />;
}
