import { ReviewsTable } from "@/components/admin/reviews-table";
import { getCaller } from "@/trpc/server";

export const metadata = { title: "Reviews" };

export default async function ReviewsPage() {
  const caller = await getCaller();
  const [reviews, manualReview] = await Promise.all([caller.admin.reviews(), caller.admin.manualReview()]);
  return <ReviewsTable initial={reviews} manualReview={manualReview.enabled} />;
}
