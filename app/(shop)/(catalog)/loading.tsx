import { GridSkeleton } from "@/components/shop/page-skeletons";

export default function Loading() {
  return <GridSkeleton label="Loading the shop" />;
}
